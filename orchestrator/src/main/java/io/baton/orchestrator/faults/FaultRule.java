package io.baton.orchestrator.faults;

import java.time.Duration;

/**
 * One row of the fault policy table: what to do about a signal, and how a flapping one escalates
 * ("3 occurrences in 10 minutes escalates to isolate-node"). Bound from a pool's {@code
 * faultPolicy} list; a row replaces the default row for the same {@code signal}.
 *
 * @param signal what the row matches, from most to least specific: a signal ({@code xid:79}, {@code
 *     ascend:80E18005}, {@code link:DOWN}, {@code hang}, …), a vendor class ({@code
 *     xid-bucket:RESET_GPU}, {@code ascend-level:RestartNPU}), every signal of a kind ({@code
 *     xid:*}), or anything ({@code *})
 * @param action what one occurrence leads to
 * @param escalateAfter occurrences on the same chip (or node) that escalate; absent: never
 * @param escalateWithin the window those occurrences must fall in
 * @param escalateTo the action they escalate to
 */
public record FaultRule(
    String signal,
    FaultAction action,
    Integer escalateAfter,
    Duration escalateWithin,
    FaultAction escalateTo) {

  public FaultRule {
    if (signal == null || signal.isBlank()) {
      throw new IllegalArgumentException("a fault policy row needs a signal");
    }
    signal = FaultPolicy.canonical(signal);
    if (action == null) {
      throw new IllegalArgumentException("fault policy row '" + signal + "' needs an action");
    }
    boolean any = escalateAfter != null || escalateWithin != null || escalateTo != null;
    boolean all = escalateAfter != null && escalateWithin != null && escalateTo != null;
    if (any && !all) {
      throw new IllegalArgumentException(
          "fault policy row '"
              + signal
              + "': escalateAfter, escalateWithin and escalateTo go together");
    }
    if (all && escalateAfter < 2) {
      throw new IllegalArgumentException(
          "fault policy row '" + signal + "': escalateAfter must be at least 2");
    }
    if (all && (escalateWithin.isNegative() || escalateWithin.isZero())) {
      throw new IllegalArgumentException(
          "fault policy row '" + signal + "': escalateWithin must be positive");
    }
  }

  /** A row without escalation. */
  public static FaultRule of(String signal, FaultAction action) {
    return new FaultRule(signal, action, null, null, null);
  }

  /** A row that escalates to {@code to} after {@code after} occurrences within {@code within}. */
  public static FaultRule of(
      String signal, FaultAction action, int after, Duration within, FaultAction to) {
    return new FaultRule(signal, action, after, within, to);
  }

  /** Whether flapping escalates this row. */
  public boolean escalates() {
    return escalateAfter != null;
  }

  /** The row in words: {@code link:DOWN: isolate-chip, isolate-node after 3 within 10m}. */
  public String describe() {
    String text = signal + ": " + action.wire();
    if (escalates()) {
      text +=
          ", "
              + escalateTo.wire()
              + " after "
              + escalateAfter
              + " within "
              + FaultPolicy.human(escalateWithin);
    }
    return text;
  }
}
