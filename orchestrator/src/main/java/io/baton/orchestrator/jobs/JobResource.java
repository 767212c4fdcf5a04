package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job as the API shows it ({@code schemas/job.schema.json}): one GET gives a dashboard everything
 * it draws. Every way the API renders a job goes through {@link #of}, which masks the values of the
 * spec's {@code secretEnv}.
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

  /** The job with its secret environment values masked. */
  static JobResource of(Job job) {
    return of(job, false);
  }

  /**
   * @param redactAllEnv mask every environment value, not only the {@code secretEnv} ones (a hook
   *     for teams that want none of their environment shown back)
   */
  static JobResource of(Job job, boolean redactAllEnv) {
    return new JobResource(
        job.id(),
        job.spec().redacted(redactAllEnv),
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
