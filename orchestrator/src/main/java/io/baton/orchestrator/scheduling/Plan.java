package io.baton.orchestrator.scheduling;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the planner decided.
 *
 * @param placements jobs to admit, in the order they were planned
 * @param pending why each unplaced job waits, in words a person reads
 * @param reservations nodes held for a long-waiting job
 */
record Plan(
    List<Placement> placements, Map<UUID, String> pending, Map<UUID, List<String>> reservations) {

  /** A job's gang: one entry per node. */
  public record Placement(UUID jobId, String pool, String team, List<NodeChips> nodes) {
    public int chips() {
      return nodes.stream().mapToInt(n -> n.chips().size()).sum();
    }
  }

  /** Chips of one node given to a job. */
  public record NodeChips(String node, List<Integer> chips) {}
}
