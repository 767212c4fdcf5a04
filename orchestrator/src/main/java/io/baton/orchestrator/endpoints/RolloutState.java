package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.Decision;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of a rollout. This enum owns the allowed transitions; nothing else decides them.
 * The names are the API's values.
 *
 * <pre>
 * PENDING → CANARY → SCALING → SUCCEEDED
 * PENDING | CANARY | SCALING → ROLLED_BACK
 * </pre>
 */
@Decision
enum RolloutState {
  PENDING,
  CANARY,
  SCALING,
  SUCCEEDED,
  ROLLED_BACK;

  private static final Map<RolloutState, Set<RolloutState>> ALLOWED =
      new EnumMap<>(RolloutState.class);

  static {
    allow(PENDING, CANARY, ROLLED_BACK);
    allow(CANARY, SCALING, ROLLED_BACK);
    allow(SCALING, SUCCEEDED, ROLLED_BACK);
    allow(SUCCEEDED);
    allow(ROLLED_BACK);
  }

  private static void allow(RolloutState from, RolloutState... to) {
    ALLOWED.put(
        from,
        Collections.unmodifiableSet(
            to.length == 0 ? EnumSet.noneOf(RolloutState.class) : EnumSet.of(to[0], to)));
  }

  /** The states this one may move to. */
  public Set<RolloutState> next() {
    return ALLOWED.get(this);
  }

  public boolean canMoveTo(RolloutState to) {
    return ALLOWED.get(this).contains(to);
  }

  /** Terminal states never change. */
  public boolean isTerminal() {
    return ALLOWED.get(this).isEmpty();
  }
}
