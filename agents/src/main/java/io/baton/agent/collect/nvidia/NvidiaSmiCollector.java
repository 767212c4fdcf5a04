package io.baton.agent.collect.nvidia;

import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.Collector;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Vendor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs {@code nvidia-smi --query-gpu=<QUERY> --format=csv,noheader,nounits}. XIDs are not in that
 * output (they are kernel log events); whoever knows them passes them in, per GPU index.
 */
public final class NvidiaSmiCollector implements Collector {

  private final List<String> command;
  private final CommandRunner runner;
  private final Map<Integer, Set<Integer>> xidsByGpu;

  public NvidiaSmiCollector(
      String executable, CommandRunner runner, Map<Integer, Set<Integer>> xidsByGpu) {
    this.command =
        List.of(
            executable,
            "--query-gpu=" + String.join(",", NvidiaSmiCsvParser.QUERY),
            "--format=csv,noheader,nounits");
    this.runner = runner;
    this.xidsByGpu = Map.copyOf(xidsByGpu);
  }

  @Override
  public Vendor vendor() {
    return Vendor.NVIDIA;
  }

  @Override
  public ChipSnapshot collect() throws CollectException {
    return NvidiaSmiCsvParser.parse(runner.run(command), xidsByGpu);
  }
}
