package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job as the API shows it ({@code schemas/job.schema.json}): one GET gives a dashboard everything
 * it draws.
 */
record JobResource(
    UUID id,
    JobSpec spec,
    JobState state,
    String reason,
    Instant createdAt,
    Instant updatedAt,
    int restarts,
    int attempt,
    long version,
    List<Placement> placement,
    Progress progress,
    CheckpointRef latestCheckpoint) {

  static JobResource of(Job job) {
    return new JobResource(
        job.id(),
        job.spec(),
        job.state(),
        job.reason(),
        job.createdAt(),
        job.updatedAt(),
        job.restarts(),
        job.attempt(),
        job.version(),
        List.of(),
        null,
        null);
  }

  /** Chips of one node held by the job. */
  record Placement(String node, List<Integer> chips) {}

  /** The latest progress report. */
  record Progress(long step, Long totalSteps, Double loss, Double samplesPerSec) {}

  /** The newest checkpoint. */
  record CheckpointRef(long step, String uri, String sha256) {}
}
