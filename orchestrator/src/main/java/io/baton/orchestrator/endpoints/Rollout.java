package io.baton.orchestrator.endpoints;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A change of what an endpoint serves, canary first: a promotion's rollout or a rollback.
 *
 * @param kind {@code PROMOTION} or {@code ROLLBACK}
 * @param state {@code PENDING → CANARY → SCALING → SUCCEEDED | ROLLED_BACK} (see {@link
 *     RolloutState})
 * @param fromRevision what served when it began (null on a first rollout)
 * @param evidence numbers: canary readiness time, golden-set errors, replicas ready
 * @param position replicas of the revision asked for so far (1 in CANARY, all in SCALING)
 * @param waitStartedAt when the current wait for readiness began; null before the canary
 */
public record Rollout(
    UUID id,
    String endpoint,
    int revision,
    Integer fromRevision,
    RolloutKind kind,
    UUID promotionId,
    RolloutState state,
    String reason,
    JsonNode evidence,
    String actor,
    Instant createdAt,
    Instant updatedAt,
    Instant endedAt,
    int position,
    Instant waitStartedAt) {

  public boolean inFlight() {
    return !state.isTerminal();
  }
}
