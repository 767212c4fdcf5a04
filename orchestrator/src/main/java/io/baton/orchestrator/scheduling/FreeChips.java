package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.scheduling.Snapshot.FreeChip;
import io.baton.orchestrator.scheduling.Snapshot.NodeFree;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The planner's working copy of free chips, indexed so that a single-node job finds its best node
 * in logarithmic time and "how many nodes could take it" costs a histogram lookup: what keeps a
 * round over thousands of nodes and jobs fast. Reserved nodes leave the index. A node is ranked
 * after the others when it is suspect (a chip found slow lately) and its pool avoids such nodes,
 * then by its WARNING chips, then by best fit.
 */
@Decision
final class FreeChips {

  private static final int MAX_CHIPS = 64;
  private static final Comparator<Slot> RANK =
      Comparator.comparing(Slot::suspect)
          .thenComparingInt(Slot::warnings)
          .thenComparingInt(Slot::free)
          .thenComparing(Slot::name);

  /**
   * A node's place in the index: not suspect first, then fewer WARNING chips, then fewer free (best
   * fit).
   */
  private record Slot(boolean suspect, int warnings, int free, String name) {}

  private final Map<String, NodeFree> nodes = new HashMap<>();
  private final Map<String, List<FreeChip>> free = new HashMap<>();
  private final Map<String, TreeSet<Slot>> byPool = new HashMap<>();
  private final Map<String, int[]> histogram = new HashMap<>();
  private final Map<String, List<NodeFree>> poolNodes = new HashMap<>();
  private final Set<String> reserved = new java.util.HashSet<>();
  private final Set<String> suspects = new java.util.HashSet<>();

  /** The index of {@code snapshot}; {@code avoidSuspects} says which pools rank suspects last. */
  FreeChips(Collection<NodeFree> snapshot, Predicate<String> avoidSuspects) {
    for (NodeFree node : snapshot) {
      if (node.suspect() && avoidSuspects.test(node.pool())) {
        suspects.add(node.name());
      }
      List<FreeChip> chips = new ArrayList<>(node.free());
      chips.sort(
          Comparator.<FreeChip>comparingInt(c -> c.health() == ChipHealth.OK ? 0 : 1)
              .thenComparingInt(FreeChip::index));
      nodes.put(node.name(), node);
      free.put(node.name(), chips);
      poolNodes.computeIfAbsent(node.pool(), p -> new ArrayList<>()).add(node);
      index(node.name());
    }
  }

  List<FreeChip> free(String node) {
    return free.get(node);
  }

  int warnings(String node) {
    int n = 0;
    for (FreeChip chip : free.get(node)) {
      n += chip.health() == ChipHealth.WARNING ? 1 : 0;
    }
    return n;
  }

  /** Whether the node is suspect and its pool avoids suspect nodes. */
  boolean suspect(String node) {
    return suspects.contains(node);
  }

  List<NodeFree> nodesOf(String pool) {
    return poolNodes.getOrDefault(pool, List.of());
  }

  boolean isReserved(String node) {
    return reserved.contains(node);
  }

  /**
   * The best unreserved node of the pool with {@code chips} free chips, avoiding {@code excluded}.
   */
  Optional<String> best(String pool, int chips, Set<String> excluded) {
    TreeSet<Slot> slots = byPool.get(pool);
    if (slots == null || chips > MAX_CHIPS) {
      return Optional.empty();
    }
    Slot slot = slots.ceiling(new Slot(false, 0, chips, ""));
    while (slot != null) {
      if (slot.free() < chips) {
        slot = slots.ceiling(new Slot(slot.suspect(), slot.warnings(), chips, ""));
      } else if (excluded.contains(slot.name())) {
        slot = slots.higher(slot);
      } else {
        return Optional.of(slot.name());
      }
    }
    return Optional.empty();
  }

  /** Unreserved nodes of the pool with at least {@code chips} free chips. */
  int countAtLeast(String pool, int chips) {
    int[] counts = histogram.get(pool);
    if (counts == null || chips > MAX_CHIPS) {
      return 0;
    }
    int n = 0;
    for (int c = chips; c <= MAX_CHIPS; c++) {
      n += counts[c];
    }
    return n;
  }

  /** Takes {@code chips} chips of the node (OK ones first) and returns their indexes. */
  List<Integer> take(String node, int chips) {
    unindex(node);
    List<FreeChip> list = free.get(node);
    List<Integer> taken = new ArrayList<>(chips);
    for (FreeChip chip : list.subList(0, chips)) {
      taken.add(chip.index());
    }
    list.subList(0, chips).clear();
    index(node);
    taken.sort(Integer::compare);
    return taken;
  }

  void reserve(String node) {
    unindex(node);
    reserved.add(node);
  }

  private void index(String node) {
    if (reserved.contains(node)) {
      return;
    }
    String pool = nodes.get(node).pool();
    int count = Math.min(free.get(node).size(), MAX_CHIPS);
    byPool
        .computeIfAbsent(pool, p -> new TreeSet<>(RANK))
        .add(new Slot(suspect(node), warnings(node), count, node));
    histogram.computeIfAbsent(pool, p -> new int[MAX_CHIPS + 1])[count]++;
  }

  private void unindex(String node) {
    if (reserved.contains(node)) {
      return;
    }
    String pool = nodes.get(node).pool();
    int count = Math.min(free.get(node).size(), MAX_CHIPS);
    byPool.get(pool).remove(new Slot(suspect(node), warnings(node), count, node));
    histogram.get(pool)[count]--;
  }
}
