package io.baton.agent.cli;

import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Collector;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.ascend.NpuSmiCollector;
import io.baton.agent.collect.ascend.NpuSmiInfoParser;
import io.baton.agent.collect.nvidia.NvidiaSmiCollector;
import io.baton.agent.collect.nvidia.NvidiaSmiCsvParser;
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
      case NPU_SMI -> new NpuSmiCollector(npuSmi, runner);
      case NVIDIA_SMI -> new NvidiaSmiCollector(nvidiaSmi, runner, xidsByGpu());
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

  ParameterException inputDoesNotApply() {
    return usage("--input does not apply to the sim collector");
  }

  SimCollector simCollector() {
    if (simChips < 0 || simChips > ChipSnapshot.MAX_CHIPS) {
      throw usage("--sim-chips must be between 0 and " + ChipSnapshot.MAX_CHIPS);
    }
    try {
      return new SimCollector(simChips, SimHealthSpec.parse(simHealth));
    } catch (ParseException | IllegalArgumentException e) {
      throw usage("--sim-health: " + e.getMessage());
    }
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
