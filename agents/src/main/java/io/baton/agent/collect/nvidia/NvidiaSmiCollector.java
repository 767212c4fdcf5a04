package io.baton.agent.collect.nvidia;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.Collector;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.Vendor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs {@code nvidia-smi --query-gpu=<QUERY> --format=csv,noheader,nounits}. XIDs are not in that
 * output (they are kernel log events); whoever knows them passes them in, per GPU index. With an
 * {@link NvlinkLinks} it also reads the NVLinks of every GPU (two more processes).
 */
public final class NvidiaSmiCollector implements Collector {

  private final List<String> command;
  private final CommandRunner runner;
  private final Map<Integer, Set<Integer>> xidsByGpu;
  private final NvlinkLinks links;

  public NvidiaSmiCollector(
      String executable, CommandRunner runner, Map<Integer, Set<Integer>> xidsByGpu) {
    this(executable, runner, xidsByGpu, null);
  }

  /**
   * @param links reads the NVLinks, or null to read none
   */
  public NvidiaSmiCollector(
      String executable,
      CommandRunner runner,
      Map<Integer, Set<Integer>> xidsByGpu,
      NvlinkLinks links) {
    this.command =
        List.of(
            executable,
            "--query-gpu=" + String.join(",", NvidiaSmiCsvParser.QUERY),
            "--format=csv,noheader,nounits");
    this.runner = runner;
    this.xidsByGpu = Map.copyOf(xidsByGpu);
    this.links = links;
  }

  @Override
  public Vendor vendor() {
    return Vendor.NVIDIA;
  }

  @Override
  public ChipSnapshot collect() throws CollectException {
    ChipSnapshot gpus = NvidiaSmiCsvParser.parse(runner.run(command), xidsByGpu);
    if (links == null) {
      return gpus;
    }
    Map<Integer, List<Link>> read = links.read(gpus.chips().stream().map(Chip::index).toList());
    return new ChipSnapshot(
        Vendor.NVIDIA,
        gpus.chips().stream()
            .map(chip -> chip.withLinks(read.getOrDefault(chip.index(), List.of())))
            .toList());
  }
}
