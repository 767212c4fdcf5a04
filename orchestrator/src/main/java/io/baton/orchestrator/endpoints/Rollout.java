package io.baton.orchestrator.endpoints;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A change of what an endpoint serves, canary first: a promotion's rollout or a rollback.
 *
 * @param kind {@code PROMOTION} or {@code ROLLBACK}
 * @param state {@code PENDING → CANARY → SCALING → SUCCEEDED | ROLLED_BACK}
 * @param fromRevision what served when it began (null on a first rollout)
 * @param evidence numbers: canary readiness time, golden-set errors, replicas ready
 */
public record Rollout(
    UUID id,
    String endpoint,
    int revision,
    Integer fromRevision,
    String kind,
    UUID promotionId,
    String state,
    String reason,
    JsonNode evidence,
    String actor,
    Instant createdAt,
    Instant updatedAt,
    Instant endedAt) {

  public static final String PROMOTION = "PROMOTION";
  public static final String ROLLBACK = "ROLLBACK";

  public boolean inFlight() {
    return state.equals("PENDING") || state.equals("CANARY") || state.equals("SCALING");
  }
}
