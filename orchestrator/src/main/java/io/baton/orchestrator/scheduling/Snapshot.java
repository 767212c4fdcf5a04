package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.pools.ChipHealth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the planner sees: every node's free schedulable chips, what each team already holds, and the
 * time.
 *
 * @param nodes READY nodes with their free (unallocated, OK or WARNING) chips
 * @param chipsInUse chips allocated per team and pool
 */
record Snapshot(Instant now, List<NodeFree> nodes, Map<TeamPool, Integer> chipsInUse) {

  public Snapshot {
    nodes = List.copyOf(nodes);
    chipsInUse = Map.copyOf(chipsInUse);
  }

  /**
   * A node's chips that a job could get.
   *
   * @param group the node's topology group (nodes in one group talk fast to each other)
   * @param suspect whether any of its chips has a bad reputation (found slow lately): used last
   *     where the pool's straggler policy avoids such nodes
   */
  public record NodeFree(
      String name, String pool, String group, List<FreeChip> free, boolean suspect) {
    public NodeFree {
      free = List.copyOf(free);
    }

    /** A node none of whose chips is suspect. */
    public NodeFree(String name, String pool, String group, List<FreeChip> free) {
      this(name, pool, group, free, false);
    }

    long warnings() {
      return free.stream().filter(c -> c.health() == ChipHealth.WARNING).count();
    }
  }

  /** A free chip and its health (OK or WARNING). */
  public record FreeChip(int index, ChipHealth health) {}

  /** A team's usage key. */
  public record TeamPool(String team, String pool) {}

  /**
   * A job waiting for chips.
   *
   * @param queuedAt when it (last) started waiting; orders equal priorities and starts the
   *     reservation clock
   */
  public record Waiting(
      UUID id,
      String team,
      String pool,
      int nodes,
      int chipsPerNode,
      int priority,
      Instant queuedAt,
      java.util.Set<String> excludedNodes) {

    public Waiting {
      excludedNodes = java.util.Set.copyOf(excludedNodes);
    }

    int chips() {
      return nodes * chipsPerNode;
    }
  }
}
