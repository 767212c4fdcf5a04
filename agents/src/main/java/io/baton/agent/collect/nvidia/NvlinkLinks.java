package io.baton.agent.collect.nvidia;

import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the NVLinks of every GPU with two processes: {@code nvidia-smi nvlink --status} and {@code
 * nvidia-smi nvlink --errorcounters}. When the status cannot be read, every GPU reports one link
 * {@code nvlink} UNKNOWN; when only the counters cannot, the links come without counters.
 */
public final class NvlinkLinks {

  private final String executable;
  private final CommandRunner runner;

  public NvlinkLinks(String executable, CommandRunner runner) {
    this.executable = executable;
    this.runner = runner;
  }

  public Map<Integer, List<Link>> read(Collection<Integer> gpus) {
    Map<Integer, NvlinkParser.GpuLinks> status;
    try {
      status = NvlinkParser.parse(runner.run(List.of(executable, "nvlink", "--status")));
    } catch (CollectException e) {
      Map<Integer, List<Link>> unknown = new TreeMap<>();
      gpus.forEach(gpu -> unknown.put(gpu, List.of(new Link("nvlink", LinkState.UNKNOWN))));
      return unknown;
    }
    Map<Integer, NvlinkParser.GpuLinks> errors;
    try {
      errors = NvlinkParser.parse(runner.run(List.of(executable, "nvlink", "--errorcounters")));
    } catch (CollectException e) {
      errors = Map.of();
    }
    return NvlinkParser.links(status, errors, gpus);
  }
}
