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
    int infraRestarts,
    long stepsLost,
    String resumeFrom,
    int attempt,
    long version,
    List<Job.Placement> placement,
    String pendingReason,
    Job.ProgressSummary progress,
    Job.CheckpointRef latestCheckpoint) {

  static JobResource of(Job job) {
    return new JobResource(
        job.id(),
        job.spec(),
        job.state(),
        job.reason(),
        job.createdAt(),
        job.updatedAt(),
        job.restarts(),
        job.recovery().infraRestarts(),
        job.recovery().stepsLost(),
        job.recovery().resumeFrom(),
        job.attempt(),
        job.version(),
        job.placement(),
        job.state() == JobState.QUEUED ? job.pendingReason() : null,
        job.progress(),
        job.latestCheckpoint());
  }
}
