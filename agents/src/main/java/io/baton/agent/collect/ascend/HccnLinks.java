package io.baton.agent.collect.ascend;

import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import java.util.List;

/**
 * Reads an NPU's RoCE link and network health with {@code hccn_tool}, one process per query. A
 * query that cannot run, fails or prints something unreadable gives its link UNKNOWN.
 *
 * <p>{@code hccn_tool -i} takes the NPU's physical id; this reader passes the chip's index, which
 * is the NPU id of {@code npu-smi info} — the same number on Atlas 800 training servers, where each
 * NPU is one chip.
 */
public final class HccnLinks {

  private final String executable;
  private final CommandRunner runner;

  public HccnLinks(String executable, CommandRunner runner) {
    this.executable = executable;
    this.runner = runner;
  }

  public List<Link> read(int npu) {
    String id = Integer.toString(npu);
    Link roce;
    try {
      roce = HccnToolParser.link(runner.run(List.of(executable, "-i", id, "-link", "-g")));
    } catch (CollectException e) {
      roce = new Link(HccnToolParser.ROCE, LinkState.UNKNOWN);
    }
    Link health;
    try {
      health =
          HccnToolParser.netHealth(runner.run(List.of(executable, "-i", id, "-net_health", "-g")));
    } catch (CollectException e) {
      health = new Link(HccnToolParser.NET_HEALTH, LinkState.UNKNOWN);
    }
    return List.of(roce, health);
  }
}
