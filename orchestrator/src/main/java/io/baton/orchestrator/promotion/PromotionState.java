package io.baton.orchestrator.promotion;

import io.baton.orchestrator.Decision;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of a promotion; this enum owns the allowed transitions.
 *
 * <pre>
 * PENDING → VERIFYING → CONVERTING → EVALUATING → PARITY → [AWAITING_APPROVAL] → ROLLING_OUT → ACTIVE
 * any gate → REJECTED (with evidence); ROLLING_OUT → ROLLED_BACK (the endpoint keeps what it served)
 * </pre>
 */
@Decision
enum PromotionState {
  PENDING,
  VERIFYING,
  CONVERTING,
  EVALUATING,
  PARITY,
  AWAITING_APPROVAL,
  ROLLING_OUT,
  ACTIVE,
  REJECTED,
  ROLLED_BACK;

  private static final Map<PromotionState, Set<PromotionState>> ALLOWED =
      new EnumMap<>(PromotionState.class);

  static {
    allow(PENDING, VERIFYING, REJECTED);
    allow(VERIFYING, CONVERTING, REJECTED);
    allow(CONVERTING, EVALUATING, REJECTED);
    allow(EVALUATING, PARITY, REJECTED);
    allow(PARITY, AWAITING_APPROVAL, ROLLING_OUT, REJECTED);
    allow(AWAITING_APPROVAL, ROLLING_OUT, REJECTED);
    allow(ROLLING_OUT, ACTIVE, ROLLED_BACK);
    allow(ACTIVE);
    allow(REJECTED);
    allow(ROLLED_BACK);
  }

  private static void allow(PromotionState from, PromotionState... to) {
    ALLOWED.put(
        from,
        Collections.unmodifiableSet(
            to.length == 0 ? EnumSet.noneOf(PromotionState.class) : EnumSet.of(to[0], to)));
  }

  public Set<PromotionState> next() {
    return ALLOWED.get(this);
  }

  public boolean canMoveTo(PromotionState to) {
    return ALLOWED.get(this).contains(to);
  }

  public boolean isTerminal() {
    return ALLOWED.get(this).isEmpty();
  }

  /** Whether this state is a gate that records a verdict. */
  public boolean isGate() {
    return this != PENDING && !isTerminal();
  }
}
