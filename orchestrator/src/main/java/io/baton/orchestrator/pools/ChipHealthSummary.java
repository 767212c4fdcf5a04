package io.baton.orchestrator.pools;

import io.baton.orchestrator.Decision;
import java.util.ArrayList;
import java.util.List;

/**
 * The normalized health of a node's chips in index order, as one letter per chip ({@code
 * "OOOWOOFO"}): cheap to store, compare and count.
 */
@Decision
public record ChipHealthSummary(String codes) {

  public ChipHealthSummary {
    for (int i = 0; i < codes.length(); i++) {
      ChipHealth.ofCode(codes.charAt(i));
    }
  }

  public static ChipHealthSummary of(List<ChipHealth> chips) {
    StringBuilder codes = new StringBuilder(chips.size());
    chips.forEach(c -> codes.append(c.code()));
    return new ChipHealthSummary(codes.toString());
  }

  /** Every chip UNKNOWN, as when the node is lost. */
  public ChipHealthSummary allUnknown() {
    return new ChipHealthSummary(String.valueOf(ChipHealth.UNKNOWN.code()).repeat(codes.length()));
  }

  public int size() {
    return codes.length();
  }

  public ChipHealth get(int position) {
    return ChipHealth.ofCode(codes.charAt(position));
  }

  public int count(ChipHealth health) {
    int n = 0;
    for (int i = 0; i < codes.length(); i++) {
      if (codes.charAt(i) == health.code()) {
        n++;
      }
    }
    return n;
  }

  /** The worst chip's health; UNKNOWN for a node without chips. */
  public ChipHealth worst() {
    ChipHealth worst = codes.isEmpty() ? ChipHealth.UNKNOWN : ChipHealth.OK;
    for (int i = 0; i < codes.length(); i++) {
      ChipHealth chip = ChipHealth.ofCode(codes.charAt(i));
      if (chip.severity() > worst.severity()) {
        worst = chip;
      }
    }
    return worst;
  }

  /**
   * The chips whose health differs from {@code before}, by position. A chip that did not exist
   * before counts as changed from UNKNOWN.
   */
  public List<Change> changesSince(ChipHealthSummary before) {
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < codes.length(); i++) {
      ChipHealth was = i < before.size() ? before.get(i) : ChipHealth.UNKNOWN;
      ChipHealth now = get(i);
      if (was != now) {
        changes.add(new Change(i, was, now));
      }
    }
    return changes;
  }

  /** A chip at {@code position} (in index order) went from one health to another. */
  public record Change(int position, ChipHealth from, ChipHealth to) {}
}
