package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether, and after how long, a failed call to the API server is made again. A conflict (409: the
 * object changed since it was read) is retried at once on fresh state; an overloaded or failing
 * server (429, 5xx) or no answer at all (timeout, connection refused) is retried with exponential
 * backoff; anything else (400, 403, 404, 422, ...) is the caller's to handle.
 */
@Decision
record ApiRetryPolicy(int attempts, Duration backoff, Duration maxBackoff) {

  /** What went wrong with one call. */
  public enum Failure {
    CONFLICT,
    TRANSIENT,
    PERMANENT;

    /** {@code status} 0 (or below) means the call got no HTTP answer. */
    public static Failure of(int status) {
      if (status == 409) {
        return CONFLICT;
      }
      if (status <= 0 || status == 429 || status >= 500) {
        return TRANSIENT;
      }
      return PERMANENT;
    }
  }

  /**
   * @param attempt calls made so far (1 after the first failure)
   * @return the wait before the next call; empty to give up
   */
  public Optional<Duration> next(int attempt, Failure failure) {
    if (failure == Failure.PERMANENT || attempt >= attempts) {
      return Optional.empty();
    }
    if (failure == Failure.CONFLICT) {
      return Optional.of(Duration.ZERO);
    }
    long millis = backoff.toMillis() << Math.min(attempt - 1, 20);
    return Optional.of(Duration.ofMillis(Math.min(millis, maxBackoff.toMillis())));
  }
}
