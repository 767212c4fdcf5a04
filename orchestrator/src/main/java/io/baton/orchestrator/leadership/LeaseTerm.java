package io.baton.orchestrator.leadership;

import io.baton.orchestrator.Decision;
import java.time.Duration;

/**
 * How long this replica may believe it leads after an acquisition or renewal: the lease's duration
 * counted from before the request was sent (on the monotonic clock), never from the answer, so the
 * belief ends no later than the database's own expiry. Writes are fenced anyway; this keeps a
 * replica that cannot reach the database from starting work it could not finish.
 */
@Decision
record LeaseTerm(long token, long validUntilNanos) {

  /** The term of acquisition {@code token}, asked at {@code askedAtNanos}. */
  public static LeaseTerm of(long token, long askedAtNanos, Duration duration) {
    return new LeaseTerm(token, askedAtNanos + duration.toNanos());
  }

  /** Whether the term still runs at {@code nowNanos} ({@link System#nanoTime()} scale). */
  public boolean live(long nowNanos) {
    return nowNanos - validUntilNanos < 0;
  }

  /**
   * The fence of {@code term} (may be null: never acquired) while it runs at {@code nowNanos};
   * empty otherwise. Both lease adapters answer {@link Leadership#fence()} with it.
   */
  public static java.util.Optional<Fence> fence(
      LeaseTerm term, String lease, String replica, long nowNanos) {
    if (term == null || !term.live(nowNanos)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Fence(lease, replica, term.token()));
  }

  /** When to try again: soon to renew while leading, at the retry period while following. */
  public static Duration nextAttempt(
      boolean leading, Duration renewInterval, Duration retryPeriod) {
    return leading ? renewInterval : retryPeriod;
  }
}
