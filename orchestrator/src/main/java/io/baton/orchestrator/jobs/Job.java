package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A training job as stored.
 *
 * @param reason why it entered its current state
 * @param restarts relaunches after application failures (a rank exiting non-zero)
 * @param attempt 0 until the first launch, then one more per launch
 * @param version grows with every change; the optimistic lock
 * @param progress the latest progress sample, null before the first
 * @param latestCheckpoint the newest checkpoint, null before the first
 * @param placement where the current attempt runs; empty while waiting
 * @param pendingReason why a waiting job waits, as the scheduler last saw it
 * @param recovery what restarts cost and where the next attempt resumes
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
    String pendingReason,
    Recovery recovery) {

  /** A new job, queued. */
  public static Job queued(UUID id, JobSpec spec, Instant now) {
    return new Job(
        id,
        spec,
        JobState.QUEUED,
        "submitted",
        0,
        0,
        0,
        now,
        now,
        null,
        null,
        List.of(),
        null,
        Recovery.NONE);
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
        pendingReason,
        recovery);
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
        null,
        recovery.placed());
  }

  /** Into RECOVERING after a failure, counted against the budget of its kind. */
  Job recovering(boolean infrastructure, String reason, Instant now) {
    return new Job(
        id,
        spec,
        JobState.RECOVERING,
        reason,
        infrastructure ? restarts : restarts + 1,
        attempt,
        version + 1,
        createdAt,
        now,
        progress,
        latestCheckpoint,
        placement,
        pendingReason,
        infrastructure ? recovery.withInfraRestart() : recovery);
  }

  /** Ranks stopped and chips released: ready to be placed again, resuming from a checkpoint. */
  Job readyToResume(String resumeFrom, long stepsLost, Instant now) {
    return new Job(
        id,
        spec,
        state,
        reason,
        restarts,
        attempt,
        version + 1,
        createdAt,
        now,
        progress,
        latestCheckpoint,
        List.of(),
        null,
        recovery.ready(resumeFrom, stepsLost));
  }

  /**
   * The latest progress a rank reported.
   *
   * @param time when the agent read it
   * @param lastStepAt when the newest step of the current attempt was read, shown while the job
   *     starts or runs (not stored: {@link Liveness} tells it); null otherwise
   */
  public record ProgressSummary(
      long step,
      Long totalSteps,
      Double loss,
      Double samplesPerSec,
      Instant time,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          Instant lastStepAt) {

    ProgressSummary withLastStepAt(Instant at) {
      return new ProgressSummary(step, totalSteps, loss, samplesPerSec, time, at);
    }
  }

  /** The newest checkpoint reported. */
  public record CheckpointRef(long step, String uri, String sha256) {}

  /** Chips of one node held by the job's current attempt. */
  public record Placement(String node, List<Integer> chips) {}

  /**
   * @param infraRestarts relaunches after infrastructure failures (chip FAULT, node LOST)
   * @param stepsLost steps redone because of restarts, summed (the cost in goodput)
   * @param resumeFrom the verified checkpoint file the next attempt starts from
   * @param ready whether a RECOVERING job has been cleaned up and waits for placement
   */
  public record Recovery(int infraRestarts, long stepsLost, String resumeFrom, boolean ready) {
    public static final Recovery NONE = new Recovery(0, 0, null, false);

    Recovery withInfraRestart() {
      return new Recovery(infraRestarts + 1, stepsLost, resumeFrom, false);
    }

    Recovery ready(String from, long lost) {
      return new Recovery(infraRestarts, stepsLost + lost, from, true);
    }

    Recovery placed() {
      return new Recovery(infraRestarts, stepsLost, resumeFrom, false);
    }
  }
}
