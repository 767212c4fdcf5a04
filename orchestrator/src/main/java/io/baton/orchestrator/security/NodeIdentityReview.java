package io.baton.orchestrator.security;

import java.time.Instant;
import java.util.Optional;

/**
 * Checks a bearer token Baton did not issue — a node agent's Kubernetes service-account token — and
 * names the node it was issued to. Implemented by the backend that can ask (the Kubernetes one,
 * with a TokenReview); {@link NodeTokens} caches its answers.
 */
public interface NodeIdentityReview {

  /**
   * @return the node the token stands for, and until when that answer may be trusted; empty when
   *     the token is not a valid agent token
   */
  Optional<Reviewed> review(String token);

  /**
   * @param node the node the agent holding the token runs on
   * @param trustedUntil when to ask again at the latest (the token's expiry, or sooner)
   */
  record Reviewed(String node, Instant trustedUntil) {}
}
