package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.util.Locale;

/**
 * What Baton does about a straggler, per pool ({@code stragglerPolicy}); each level does what the
 * one before it does, and more.
 *
 * <ul>
 *   <li>{@link #OBSERVE}: a {@code job.straggler} event and metrics only;
 *   <li>{@link #AVOID}: also, the planner uses nodes whose chips have a bad reputation last for new
 *       placements (a soft preference, never a reason to leave a job waiting);
 *   <li>{@link #REPLACE}: also, the job restarts without the slow node when {@link ReplaceDecision}
 *       says it pays.
 * </ul>
 *
 * A job spec may lower its pool's policy (towards {@code observe}), never raise it.
 */
@Decision
public enum StragglerPolicy {
  OBSERVE,
  AVOID,
  REPLACE;

  /** The word the API and configuration use: {@code observe}, {@code avoid}, {@code replace}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #wire()} (case-insensitive). */
  public static StragglerPolicy of(String word) {
    for (StragglerPolicy policy : values()) {
      if (policy.wire().equalsIgnoreCase(word.trim())) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "unknown straggler policy '" + word + "'; one of observe, avoid, replace");
  }

  /** Whether the planner should place new work on suspect nodes last. */
  public boolean avoidsSuspects() {
    return this != OBSERVE;
  }

  /** Whether a job on a pool with this policy may ask for {@code requested}: only as strong. */
  public boolean allows(StragglerPolicy requested) {
    return requested.compareTo(this) <= 0;
  }

  /** The policy in force for a job: the pool's, lowered by the job's own if it asks for less. */
  public StragglerPolicy forJob(StragglerPolicy requested) {
    return requested == null || !allows(requested) ? this : requested;
  }
}
