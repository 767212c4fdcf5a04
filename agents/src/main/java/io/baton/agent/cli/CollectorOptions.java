package io.baton.agent.cli;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Collector;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.ascend.HccnLinks;
import io.baton.agent.collect.ascend.HccnToolParser;
import io.baton.agent.collect.ascend.NpuSmiCollector;
import io.baton.agent.collect.ascend.NpuSmiInfoParser;
import io.baton.agent.collect.nvidia.NvidiaSmiCollector;
import io.baton.agent.collect.nvidia.NvidiaSmiCsvParser;
import io.baton.agent.collect.nvidia.NvlinkLinks;
import io.baton.agent.collect.nvidia.NvlinkParser;
import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.collect.sim.SimHealthSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options that choose and tune a collector, shared by {@code run} and {@code inspect}. */
public final class CollectorOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--collector",
      required = true,
      converter = CollectorKind.Converter.class,
      completionCandidates = CollectorKind.Names.class,
      paramLabel = "KIND",
      description = "Where chips come from: ${COMPLETION-CANDIDATES}.")
  CollectorKind kind;

  @Option(
      names = "--npu-smi",
      defaultValue = "npu-smi",
      paramLabel = "PATH",
      description = "The npu-smi executable (default: ${DEFAULT-VALUE}).")
  String npuSmi;

  @Option(
      names = "--nvidia-smi",
      defaultValue = "nvidia-smi",
      paramLabel = "PATH",
      description = "The nvidia-smi executable (default: ${DEFAULT-VALUE}).")
  String nvidiaSmi;

  @Option(
      names = "--hccn-tool",
      defaultValue = "hccn_tool",
      paramLabel = "PATH",
      description =
          "The hccn_tool executable that reads Ascend RoCE links, often"
              + " /usr/local/Ascend/driver/tools/hccn_tool (default: ${DEFAULT-VALUE}).")
  String hccnTool;

  @Option(
      names = "--no-links",
      description =
          "Read no links (hccn_tool, nvidia-smi nvlink): chips then report none, rather than"
              + " UNKNOWN links where the tool is missing.")
  boolean noLinks;

  @Option(
      names = "--tool-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "How long npu-smi/nvidia-smi may take (default: ${DEFAULT-VALUE}).")
  Duration toolTimeout;

  @Option(
      names = "--xid",
      paramLabel = "GPU:XID[,XID...]",
      description =
          "An XID known for a GPU (nvidia-smi collector); hardware XIDs make it FAULT. Repeatable.")
  List<String> xids = new ArrayList<>();

  @Option(
      names = "--sim-chips",
      defaultValue = "8",
      paramLabel = "N",
      description = "Chips of the sim collector, 0..64 (default: ${DEFAULT-VALUE}).")
  int simChips;

  @Option(
      names = "--sim-health",
      paramLabel = "SPEC",
      description = "Scripted sim health, e.g. 3=FAULT:E001,5=WARNING (others OK).")
  String simHealth;

  @Option(
      names = "--sim-links",
      paramLabel = "SPEC",
      description = "Scripted sim link states, e.g. 3=DOWN,5=UNKNOWN (others UP).")
  String simLinks;

  CollectorKind kind() {
    return kind;
  }

  /** Fails with a usage error on values picocli cannot check alone. */
  void validate() {
    if (kind == CollectorKind.SIM) {
      simCollector();
    }
    xidsByGpu();
  }

  /** The collector that reads this node's chips. */
  Collector create() {
    CommandRunner runner = new CommandRunner(toolTimeout);
    return switch (kind) {
      case NPU_SMI ->
          new NpuSmiCollector(npuSmi, runner, noLinks ? null : new HccnLinks(hccnTool, runner));
      case NVIDIA_SMI ->
          new NvidiaSmiCollector(
              nvidiaSmi, runner, xidsByGpu(), noLinks ? null : new NvlinkLinks(nvidiaSmi, runner));
      case SIM -> simCollector();
    };
  }

  /** Parses captured tool output, as the collector would parse the live tool's. */
  ChipSnapshot parse(String captured) throws ParseException {
    return switch (kind) {
      case NPU_SMI -> NpuSmiInfoParser.parse(captured);
      case NVIDIA_SMI -> NvidiaSmiCsvParser.parse(captured, xidsByGpu());
      case SIM -> throw inputDoesNotApply();
    };
  }

  /**
   * The chips with the links of captured link output: a transcript of {@code hccn_tool -i <npu>
   * -link -g} and {@code -net_health -g} commands with their outputs (npu-smi), or the output of
   * {@code nvidia-smi nvlink --status}, optionally followed by {@code --errorcounters}.
   */
  ChipSnapshot withCapturedLinks(ChipSnapshot chips, String captured) throws ParseException {
    Map<Integer, List<Link>> links =
        switch (kind) {
          case NPU_SMI -> HccnToolParser.transcript(captured);
          case NVIDIA_SMI -> {
            Map<Integer, NvlinkParser.GpuLinks> parsed = NvlinkParser.parse(captured);
            yield NvlinkParser.links(
                parsed, parsed, chips.chips().stream().map(Chip::index).toList());
          }
          case SIM -> throw inputDoesNotApply();
        };
    return new ChipSnapshot(
        chips.vendor(),
        chips.chips().stream()
            .map(chip -> chip.withLinks(links.getOrDefault(chip.index(), List.of())))
            .toList());
  }

  ParameterException inputDoesNotApply() {
    return usage("--input does not apply to the sim collector");
  }

  SimCollector simCollector() {
    if (simChips < 0 || simChips > ChipSnapshot.MAX_CHIPS) {
      throw usage("--sim-chips must be between 0 and " + ChipSnapshot.MAX_CHIPS);
    }
    SimCollector sim;
    try {
      sim = new SimCollector(simChips, SimHealthSpec.parse(simHealth));
    } catch (ParseException | IllegalArgumentException e) {
      throw usage("--sim-health: " + e.getMessage());
    }
    try {
      SimHealthSpec.links(simLinks).forEach(sim::setLink);
    } catch (ParseException | IllegalArgumentException e) {
      throw usage("--sim-links: " + e.getMessage());
    }
    return sim;
  }

  Map<Integer, Set<Integer>> xidsByGpu() {
    Map<Integer, Set<Integer>> byGpu = new HashMap<>();
    for (String xid : xids) {
      String[] parts = xid.split(":");
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        int gpu = Integer.parseInt(parts[0].strip());
        for (String code : parts[1].split(",")) {
          byGpu.computeIfAbsent(gpu, g -> new HashSet<>()).add(Integer.parseInt(code.strip()));
        }
      } catch (NumberFormatException e) {
        throw usage("--xid '" + xid + "': expected GPU:XID[,XID...], e.g. 3:79");
      }
    }
    return byGpu;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
