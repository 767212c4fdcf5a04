package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.util.Locale;

/**
 * What Baton does about an observation, from nothing to taking a node out of service. Declared in
 * increasing severity: when one report carries several observations, the most severe action wins.
 */
@Decision
public enum FaultAction {
  /** Nothing, not even an event. */
  IGNORE,
  /** An event; nothing else. */
  WARN,
  /**
   * The job on the chip restarts from its newest verified checkpoint (an infrastructure failure);
   * the chip stays schedulable as its health allows.
   */
  RESTART_JOB,
  /**
   * The chip leaves placement until it has been healthy for the pool's {@code isolationCooldown}
   * (unless held); a job on it restarts without it.
   */
  ISOLATE_CHIP,
  /**
   * The node leaves placement (local backend: excluded; Kubernetes: cordon and taint) until its
   * chips have been healthy for the pool's {@code isolationCooldown} (unless held); jobs on it
   * restart elsewhere.
   */
  ISOLATE_NODE;

  /** The configuration word: {@code ignore}, {@code warn}, {@code restart-job}, … */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@link #wire()} or the constant's name, case-insensitive. */
  public static FaultAction of(String word) {
    String normalized = word.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (FaultAction action : values()) {
      if (action.name().equals(normalized)) {
        return action;
      }
    }
    throw new IllegalArgumentException(
        "unknown fault action '"
            + word
            + "'; one of ignore, warn, restart-job, isolate-chip, isolate-node");
  }

  /** The more severe of the two. */
  public FaultAction worst(FaultAction other) {
    return other != null && other.compareTo(this) > 0 ? other : this;
  }
}
