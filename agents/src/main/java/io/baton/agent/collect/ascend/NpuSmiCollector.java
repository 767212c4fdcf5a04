package io.baton.agent.collect.ascend;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.Collector;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.Vendor;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs {@code npu-smi info}; for every chip that is not OK it also asks {@code npu-smi info -t
 * health} for the error codes. With a {@link HccnLinks} it also reads each chip's RoCE link and
 * network health ({@code hccn_tool}, two processes per chip); without one, chips carry no links.
 */
public final class NpuSmiCollector implements Collector {

  private static final Logger LOG = Logger.getLogger(NpuSmiCollector.class.getName());

  private final String executable;
  private final CommandRunner runner;
  private final HccnLinks links;

  public NpuSmiCollector(String executable, CommandRunner runner) {
    this(executable, runner, null);
  }

  /**
   * @param links reads the links of each chip, or null to read none
   */
  public NpuSmiCollector(String executable, CommandRunner runner, HccnLinks links) {
    this.executable = executable;
    this.runner = runner;
    this.links = links;
  }

  @Override
  public Vendor vendor() {
    return Vendor.ASCEND;
  }

  @Override
  public ChipSnapshot collect() throws CollectException {
    ChipSnapshot table = NpuSmiInfoParser.parse(runner.run(List.of(executable, "info")));
    List<Chip> chips = new ArrayList<>(table.chips().size());
    for (Chip chip : table.chips()) {
      Chip detailed = chip.health() == Health.OK ? chip : withDetail(chip);
      chips.add(links == null ? detailed : detailed.withLinks(links.read(chip.index())));
    }
    return new ChipSnapshot(Vendor.ASCEND, chips);
  }

  private Chip withDetail(Chip chip) {
    List<String> command = new ArrayList<>(List.of(executable, "info", "-t", "health"));
    command.addAll(List.of("-i", chip.raw().getOrDefault("NPU", Integer.toString(chip.index()))));
    if (chip.chipId() != null) {
      command.addAll(List.of("-c", Integer.toString(chip.chipId())));
    }
    try {
      return NpuSmiHealthParser.merge(chip, NpuSmiHealthParser.parse(runner.run(command)));
    } catch (CollectException e) {
      LOG.log(
          Level.FINE,
          "no health detail for NPU {0}: {1}",
          new Object[] {chip.index(), e.getMessage()});
      return chip;
    }
  }
}
