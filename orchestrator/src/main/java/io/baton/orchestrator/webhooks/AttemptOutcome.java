package io.baton.orchestrator.webhooks;

/**
 * How one delivery attempt ended, coarsely: deliberately no more than a receiver's owner needs to
 * act on, so that delivery records cannot serve to map what answers where (a refused connection, a
 * timeout and a failed TLS handshake all read {@code unreachable}).
 */
enum AttemptOutcome {
  /** A 2xx answer. */
  DELIVERED("delivered", false),
  /** Another status, redirects included; the status is recorded too. */
  HTTP_ERROR("http-error", true),
  /** No HTTP answer: the name did not resolve, no connection, no TLS, or no answer in time. */
  UNREACHABLE("unreachable", true),
  /** The URL's host resolved to an address the target policy refuses; not tried again. */
  REFUSED_ADDRESS("refused-address", false),
  /** The URL is plain {@code http://} and plain HTTP is not allowed; not tried again. */
  REFUSED_SCHEME("refused-scheme", false),
  /** The subscription's secret could not be decrypted with the keys this orchestrator holds. */
  SECRET_UNAVAILABLE("secret-unavailable", true);

  private final String slug;
  private final boolean retried;

  AttemptOutcome(String slug, boolean retried) {
    this.slug = slug;
    this.retried = retried;
  }

  /** The value of a delivery's {@code lastError}. */
  String slug() {
    return slug;
  }

  /** Whether a failed attempt with this outcome is tried again (while attempts remain). */
  boolean retried() {
    return retried;
  }
}
