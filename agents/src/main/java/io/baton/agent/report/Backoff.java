package io.baton.agent.report;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time between zero
 * and {@code min(cap, base * 2^(n-1))}, so a fleet that lost the orchestrator together does not
 * come back in lockstep.
 */
public record Backoff(Duration base, Duration cap) {

  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap");
    }
  }

  /** The ceiling of the n-th retry's delay (n from 1). */
  public Duration ceiling(int retry) {
    int doublings = Math.min(Math.max(retry, 1) - 1, 30);
    long millis = Math.max(base.toMillis(), 1) << doublings;
    return millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
  }

  public Duration delay(int retry, RandomGenerator random) {
    return Duration.ofMillis(random.nextLong(ceiling(retry).toMillis() + 1));
  }
}
