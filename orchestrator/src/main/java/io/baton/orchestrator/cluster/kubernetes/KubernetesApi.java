package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.ClusterUnavailableException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the API server under an {@link ApiRetryPolicy}. The call is a supplier that reads what it
 * needs itself, so a retry after a conflict works on fresh state. When the server stays unreachable
 * the call ends in {@link ClusterUnavailableException}; other errors propagate as they are.
 */
final class KubernetesApi {

  private static final Logger log = LoggerFactory.getLogger(KubernetesApi.class);

  private final ApiRetryPolicy policy;

  KubernetesApi(ApiRetryPolicy policy) {
    this.policy = policy;
  }

  static KubernetesApi of(KubernetesProperties.Retry retry) {
    return new KubernetesApi(
        new ApiRetryPolicy(retry.attempts(), retry.backoff(), retry.maxBackoff()));
  }

  <T> T call(String what, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (KubernetesClientException e) {
        ApiRetryPolicy.Failure failure = ApiRetryPolicy.Failure.of(status(e));
        Optional<Duration> wait = policy.next(attempt, failure);
        if (wait.isEmpty()) {
          if (failure == ApiRetryPolicy.Failure.TRANSIENT) {
            throw new ClusterUnavailableException(
                what + ": the API server did not answer after " + attempt + " calls", e);
          }
          throw e;
        }
        log.debug("{}: {} (HTTP {}), calling again in {}", what, failure, e.getCode(), wait.get());
        sleep(wait.get());
      }
    }
  }

  void run(String what, Runnable call) {
    call(
        what,
        () -> {
          call.run();
          return null;
        });
  }

  /** The HTTP status, or 0 when the call got no answer. */
  static int status(KubernetesClientException e) {
    if (e instanceof KubernetesClientTimeoutException) {
      return 0;
    }
    return Math.max(e.getCode(), 0);
  }

  private static void sleep(Duration wait) {
    if (wait.isZero()) {
      return;
    }
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("interrupted while waiting for the API server", e);
    }
  }
}
