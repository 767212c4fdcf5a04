package io.baton.orchestrator.promotion;

import io.baton.orchestrator.jobs.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Moving one checkpoint onto an endpoint, through gates.
 *
 * @param checkpointId null until a job-started promotion has chosen its checkpoint
 * @param trigger {@code job} (its job succeeded) or {@code api}
 * @param policy the gates' settings (a job spec's promotion block)
 * @param gates the gates in the order they ran, each with verdict and evidence
 * @param revision the endpoint revision it rolls out, once ROLLING_OUT began
 * @param rolloutId the endpoint's rollout, once it began
 * @param artifact the file replicas load: the checkpoint's, or the converter's output
 * @param version grows with every change; the optimistic lock
 */
record Promotion(
    UUID id,
    UUID jobId,
    UUID checkpointId,
    String endpoint,
    PromotionState state,
    Trigger trigger,
    JobSpec.PromotionSpec policy,
    List<Gate> gates,
    Integer revision,
    UUID rolloutId,
    String artifact,
    String reason,
    String actor,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant endedAt) {

  public Promotion {
    gates = List.copyOf(gates);
  }

  /** The gate of this name, if it ran (or runs). */
  public Optional<Gate> gate(PromotionState name) {
    return gates.stream().filter(g -> g.name() == name).reduce((a, b) -> b);
  }

  /** With {@code gate} in place of the entry of the same name, or appended. */
  Promotion withGate(Gate gate) {
    List<Gate> next = new ArrayList<>();
    boolean replaced = false;
    for (Gate g : gates) {
      if (g.name() == gate.name()) {
        next.add(gate);
        replaced = true;
      } else {
        next.add(g);
      }
    }
    if (!replaced) {
      next.add(gate);
    }
    return copy(
        checkpointId,
        state,
        next,
        revision,
        rolloutId,
        artifact,
        reason,
        version,
        updatedAt,
        endedAt);
  }

  Promotion moved(PromotionState to, String why, Instant now) {
    return copy(
        checkpointId,
        to,
        gates,
        revision,
        rolloutId,
        artifact,
        why,
        version,
        now,
        to.isTerminal() ? now : null);
  }

  Promotion withCheckpoint(UUID checkpoint) {
    return copy(
        checkpoint,
        state,
        gates,
        revision,
        rolloutId,
        artifact,
        reason,
        version,
        updatedAt,
        endedAt);
  }

  Promotion withArtifact(String file) {
    return copy(
        checkpointId, state, gates, revision, rolloutId, file, reason, version, updatedAt, endedAt);
  }

  Promotion withRollout(int number, UUID rollout) {
    return copy(
        checkpointId, state, gates, number, rollout, artifact, reason, version, updatedAt, endedAt);
  }

  /** As stored at {@code storedVersion}, last changed at {@code changedAt}. */
  Promotion at(long storedVersion, Instant changedAt) {
    return copy(
        checkpointId,
        state,
        gates,
        revision,
        rolloutId,
        artifact,
        reason,
        storedVersion,
        changedAt,
        endedAt);
  }

  /** A copy with the fields a promotion changes over its life; the rest stay. */
  private Promotion copy(
      UUID checkpointId,
      PromotionState state,
      List<Gate> gates,
      Integer revision,
      UUID rolloutId,
      String artifact,
      String reason,
      long version,
      Instant updatedAt,
      Instant endedAt) {
    return new Promotion(
        id,
        jobId,
        checkpointId,
        endpoint,
        state,
        trigger,
        policy,
        gates,
        revision,
        rolloutId,
        artifact,
        reason,
        actor,
        version,
        createdAt,
        updatedAt,
        endedAt);
  }
}
