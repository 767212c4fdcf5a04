package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.Decision;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a new replica goes: one chip on a node of the endpoint's pool, preferring reporting nodes,
 * then the node with the most free chips, then the lowest name and chip.
 */
@Decision
final class ReplicaPlacement {

  private ReplicaPlacement() {}

  /**
   * A node of the pool.
   *
   * @param reporting whether its agent is heard from (READY); a silent node is used last
   */
  public record Slots(String node, boolean reporting, int chips) {}

  /** A node and chip, or empty when every chip of the pool is taken. */
  public record Choice(String node, int chip) {}

  /** {@code taken} holds {@code node/chip} of every replica that runs. */
  public static Optional<Choice> place(List<Slots> nodes, Set<String> taken) {
    Choice best = null;
    int bestFree = -1;
    boolean bestReporting = false;
    for (Slots slots :
        nodes.stream().sorted(java.util.Comparator.comparing(Slots::node)).toList()) {
      int free = 0;
      int first = -1;
      for (int chip = 0; chip < slots.chips(); chip++) {
        if (!taken.contains(slots.node() + "/" + chip)) {
          free++;
          if (first < 0) {
            first = chip;
          }
        }
      }
      if (free == 0) {
        continue;
      }
      boolean better =
          best == null
              || (slots.reporting() && !bestReporting)
              || (slots.reporting() == bestReporting && free > bestFree);
      if (better) {
        best = new Choice(slots.node(), first);
        bestFree = free;
        bestReporting = slots.reporting();
      }
    }
    return Optional.ofNullable(best);
  }
}
