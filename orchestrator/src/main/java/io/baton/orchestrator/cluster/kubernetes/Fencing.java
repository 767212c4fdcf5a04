package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.pools.ChipHealthSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether a node is fenced, from its chips' health and what its Kubernetes Node shows. A node with
 * a FAULT chip is cordoned and tainted {@code <faultTaintKey>=<code>:NoSchedule}, the code naming
 * the faulty chips ({@code chip-3}, {@code chip-3.6}). When every chip is healthy again Baton lifts
 * its taint and undoes its own cordon (never an operator's), unless an operator holds the node. A
 * node whose health is not known (its agent is silent) stays as it is.
 */
@Decision
final class Fencing {

  private Fencing() {}

  /**
   * The node's chips as the agent last reported them.
   *
   * @param health one code per chip, in the order of {@code chipIndexes}
   * @param lost whether the agent is silent (its chips' health is unknown)
   */
  public record Chips(ChipHealthSummary health, List<Integer> chipIndexes, boolean lost) {

    /**
     * These chips with those the fault policy isolated counted as FAULT: an isolated chip fences
     * its node as a faulty one does, and releasing the isolation lifts the fence. {@code -1} in
     * {@code isolated} stands for the whole node.
     */
    public Chips isolating(java.util.Set<Integer> isolated) {
      if (isolated.isEmpty()) {
        return this;
      }
      java.util.List<ChipHealth> marked = new ArrayList<>();
      for (int i = 0; i < health.size(); i++) {
        int index = i < chipIndexes.size() ? chipIndexes.get(i) : i;
        marked.add(
            isolated.contains(-1) || isolated.contains(index) ? ChipHealth.FAULT : health.get(i));
      }
      return new Chips(ChipHealthSummary.of(marked), chipIndexes, lost);
    }
  }

  /**
   * What the Node object shows now.
   *
   * @param taint the value of Baton's fault taint, null when it has none
   * @param cordonedByBaton whether Baton cordoned it (and may uncordon it)
   * @param held whether an operator holds it fenced
   */
  public record NodeView(
      boolean unschedulable, String taint, boolean cordonedByBaton, boolean held) {}

  /** The change to make. */
  public sealed interface Action {}

  /** Taint with {@code code}; cordon too when {@code cordon} (it is schedulable now). */
  public record Fence(String code, boolean cordon) implements Action {}

  /** Remove the taint; uncordon too when {@code uncordon} (Baton cordoned it). */
  public record Release(boolean uncordon) implements Action {}

  /** Leave the node as it is. */
  public record Keep(String why) implements Action {}

  public static Action decide(Chips chips, NodeView node) {
    if (chips.lost() || chips.health().count(ChipHealth.UNKNOWN) > 0) {
      return new Keep("chip health unknown");
    }
    List<Integer> faulty = faulty(chips);
    if (!faulty.isEmpty()) {
      String code = code(faulty);
      if (code.equals(node.taint()) && node.unschedulable()) {
        return new Keep("fenced");
      }
      return new Fence(code, !node.unschedulable());
    }
    if (node.taint() == null) {
      return new Keep("healthy");
    }
    if (node.held()) {
      return new Keep("held by an operator");
    }
    return new Release(node.cordonedByBaton());
  }

  static List<Integer> faulty(Chips chips) {
    List<Integer> faulty = new ArrayList<>();
    for (int i = 0; i < chips.health().size(); i++) {
      if (chips.health().get(i) == ChipHealth.FAULT) {
        faulty.add(i < chips.chipIndexes().size() ? chips.chipIndexes().get(i) : i);
      }
    }
    return faulty;
  }

  /** A taint value (a label value: at most 63 characters). */
  static String code(List<Integer> faulty) {
    String code =
        "chip-" + faulty.stream().sorted().map(String::valueOf).collect(Collectors.joining("."));
    return code.length() <= 63 ? code : code.substring(0, 63).replaceAll("\\.+$", "");
  }
}
