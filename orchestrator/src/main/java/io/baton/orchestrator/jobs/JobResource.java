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
    Job.CheckpointRef latestCheckpoint,
    HangTimeout hangTimeout) {

  /**
   * The hang timeout in force while the job starts or runs.
   *
   * @param duration ISO-8601
   * @param source {@code spec}, {@code derived}, {@code floor} or {@code startup}
   * @param expiresAt when the job is hung unless a rank makes a step first
   */
  record HangTimeout(String duration, String source, java.time.Instant expiresAt) {

    static HangTimeout of(Liveness liveness) {
      return liveness == null
          ? null
          : new HangTimeout(
              liveness.hangTimeout().duration().toString(),
              liveness.hangTimeout().source().name().toLowerCase(java.util.Locale.ROOT),
              liveness.expiresAt());
    }
  }

  /** The job with its secret environment values masked. */
  static JobResource of(Job job) {
    return of(job, false);
  }

  static JobResource of(Job job, boolean redactAllEnv) {
    return of(job, redactAllEnv, null);
  }

  /**
   * @param redactAllEnv mask every environment value, not only the {@code secretEnv} ones (a hook
   *     for teams that want none of their environment shown back)
   * @param liveness the running job's step clock: {@code progress.lastStepAt} and {@code
   *     hangTimeout}; null to leave them out
   */
  static JobResource of(Job job, boolean redactAllEnv, Liveness liveness) {
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
        liveness == null || job.progress() == null
            ? job.progress()
            : job.progress().withLastStepAt(liveness.lastStepAt()),
        job.latestCheckpoint(),
        HangTimeout.of(liveness));
  }
}
