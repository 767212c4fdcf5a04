package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.time.Instant;

/**
 * When to try a failed delivery again: exponential backoff with full jitter. The n-th retry waits a
 * uniformly random time below {@code min(cap, base × 2^(n-1))}, so receivers that come back after
 * an outage are not hit by every sender at once; after {@code maxAttempts} failed attempts the
 * delivery is given up.
 *
 * @param base delay bound after the first failed attempt
 * @param cap largest delay bound
 * @param maxAttempts attempts before giving up, at least 1
 */
@Decision
record RetryPolicy(Duration base, Duration cap, int maxAttempts) {

  public RetryPolicy {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || maxAttempts < 1) {
      throw new IllegalArgumentException(
          "need 0 < base <= cap and maxAttempts >= 1, got "
              + base
              + ", "
              + cap
              + ", "
              + maxAttempts);
    }
  }

  /** What follows a failed attempt. */
  public sealed interface Next {}

  /** Try again at {@code at}. */
  public record Retry(Instant at) implements Next {}

  /** Attempts are exhausted: the delivery FAILED. */
  public record GiveUp() implements Next {}

  /**
   * @param attempts attempts made so far, the failed one included (1 after the first)
   * @param now when the attempt failed
   * @param jitter a uniformly random number in [0, 1)
   */
  public Next afterFailure(int attempts, Instant now, double jitter) {
    if (attempts < 1 || jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException(
          "need attempts >= 1 and 0 <= jitter < 1, got " + attempts + ", " + jitter);
    }
    if (attempts >= maxAttempts) {
      return new GiveUp();
    }
    return new Retry(now.plusMillis((long) (jitter * bound(attempts).toMillis())));
  }

  /** The delay bound after {@code attempts} failed attempts: base doubled each time, capped. */
  public Duration bound(int attempts) {
    long capMillis = cap.toMillis();
    long millis = base.toMillis();
    for (int i = 1; i < attempts && millis < capMillis; i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, capMillis));
  }
}
