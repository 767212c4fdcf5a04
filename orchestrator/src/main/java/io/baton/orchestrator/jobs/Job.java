package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * A training job as stored.
 *
 * @param reason why it entered its current state
 * @param attempt 0 until the first launch, then one more per launch
 * @param version grows with every change; the optimistic lock
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
    Instant updatedAt) {

  /** A new job, queued. */
  public static Job queued(UUID id, JobSpec spec, Instant now) {
    return new Job(id, spec, JobState.QUEUED, "submitted", 0, 0, 0, now, now);
  }

  Job movedTo(JobState to, String reason, Instant now) {
    return new Job(id, spec, to, reason, restarts, attempt, version + 1, createdAt, now);
  }
}
