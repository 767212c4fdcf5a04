package io.baton.orchestrator.endpoints;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * What one revision of an endpoint serves, and when it served.
 *
 * @param artifact the file its replicas load
 * @param parity the golden-set comparison of its first canary
 * @param served the periods it was the endpoint's current revision, oldest first; {@code until}
 *     null while it serves
 */
record Revision(
    String endpoint,
    int revision,
    UUID checkpointId,
    UUID jobId,
    UUID promotionId,
    String artifact,
    String golden,
    String sha256,
    JsonNode parity,
    Instant createdAt,
    boolean current,
    List<Period> served) {

  /** From when until when it served, and the rollout that made it serve. */
  public record Period(Instant from, Instant until, UUID rolloutId) {}
}
