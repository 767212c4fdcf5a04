package io.baton.agent.collect;

/**
 * Normalized chip health. Only {@link #OK} and {@link #WARNING} chips are schedulable.
 *
 * <p>Declared from best to worst for scheduling, so {@link #worst} of two readings is the one that
 * keeps a chip off the scheduler longer: a chip the agent cannot read is worse than one that runs
 * hot.
 */
public enum Health {
  OK,
  WARNING,
  UNKNOWN,
  FAULT;

  public static Health worst(Health a, Health b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
