package io.baton.orchestrator.endpoints;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A named inference service on an INFERENCE pool.
 *
 * @param state {@code EMPTY} (nothing promoted yet), {@code ACTIVE} or {@code ROLLING_OUT}
 * @param currentRevision what serves now; null while EMPTY
 * @param urls where its ready replicas answer
 * @param rollout the rollout in flight, null when none
 * @param team the owning team: the one that first promoted to it
 */
public record Endpoint(
    String name,
    String pool,
    EndpointState state,
    Replicas replicas,
    @JsonInclude(JsonInclude.Include.ALWAYS) CurrentRevision currentRevision,
    List<String> urls,
    List<ReplicaView> replicaDetails,
    @JsonInclude(JsonInclude.Include.ALWAYS) RolloutRef rollout,
    Instant createdAt,
    Instant updatedAt,
    String team) {

  /** Desired and ready replicas of the current revision. */
  public record Replicas(int desired, int ready) {}

  /** The revision that serves, and where it came from. */
  public record CurrentRevision(int revision, UUID checkpointId, UUID jobId, UUID promotionId) {}

  /** One replica as the backend sees it. */
  public record ReplicaView(
      int revision, int index, String node, String url, boolean ready, Integer exitCode) {}

  /** The rollout in flight. */
  public record RolloutRef(UUID id, int revision, RolloutKind kind, RolloutState state) {}
}
