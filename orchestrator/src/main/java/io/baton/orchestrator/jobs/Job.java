package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A training job as stored.
 *
 * @param reason why it entered its current state
 * @param attempt 0 until the first launch, then one more per launch
 * @param version grows with every change; the optimistic lock
 * @param progress the latest progress sample, null before the first
 * @param latestCheckpoint the newest checkpoint, null before the first
 * @param placement where the current attempt runs; empty while waiting
 * @param pendingReason why a waiting job waits, as the scheduler last saw it
 */
public record Job(
    UUID id,
    JobSpec spec,
    JobState state,
    String reason,
    int restarts,
    int attempt,
    long version,
    Instant createdAt,
    Instant updatedAt,
    ProgressSummary progress,
    CheckpointRef latestCheckpoint,
    List<Placement> placement,
    String pendingReason) {

  /** A new job, queued. */
  public static Job queued(UUID id, JobSpec spec, Instant now) {
    return new Job(
        id, spec, JobState.QUEUED, "submitted", 0, 0, 0, now, now, null, null, List.of(), null);
  }

  Job movedTo(JobState to, String reason, Instant now) {
    return new Job(
        id,
        spec,
        to,
        reason,
        restarts,
        attempt,
        version + 1,
        createdAt,
        now,
        progress,
        latestCheckpoint,
        placement,
        pendingReason);
  }

  /** Admitted onto {@code where}: the next attempt begins, its chips held. */
  Job admittedTo(List<Placement> where, String reason, Instant now) {
    return new Job(
        id,
        spec,
        JobState.ADMITTED,
        reason,
        restarts,
        attempt + 1,
        version + 1,
        createdAt,
        now,
        progress,
        latestCheckpoint,
        List.copyOf(where),
        null);
  }

  /** Chips of one node held by the job's current attempt. */
  public record Placement(String node, List<Integer> chips) {}

  /**
   * The latest progress a rank reported.
   *
   * @param time when the agent read it
   */
  public record ProgressSummary(
      long step, Long totalSteps, Double loss, Double samplesPerSec, Instant time) {}

  /** The newest checkpoint reported. */
  public record CheckpointRef(long step, String uri, String sha256) {}
}
