package io.baton.orchestrator.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened, as pipelines and dashboards see it.
 *
 * @param id grows with every event; pass it as {@code after} to read on from here
 * @param type e.g. {@code job.state}
 * @param subject what it happened to, e.g. {@code job/<id>}
 * @param jobId the job, for job events
 * @param from previous state, null when the subject was created
 * @param to new state
 * @param reason why
 * @param actor who or what caused it ({@code api}, {@code scheduler}, ...)
 * @param time when
 */
public record Event(
    long id,
    String type,
    String subject,
    UUID jobId,
    String from,
    String to,
    String reason,
    String actor,
    Instant time) {

  /** An event about to be recorded; the log assigns its id. */
  public record New(
      String type,
      String subject,
      UUID jobId,
      String from,
      String to,
      String reason,
      String actor,
      Instant time) {

    public static New jobState(
        UUID jobId, String from, String to, String reason, String actor, Instant time) {
      return new New("job.state", "job/" + jobId, jobId, from, to, reason, actor, time);
    }

    public static New nodeState(
        String node, String from, String to, String reason, String actor, Instant time) {
      return new New("node.state", "node/" + node, null, from, to, reason, actor, time);
    }

    public static New chipHealth(
        String node,
        int chipIndex,
        String from,
        String to,
        String reason,
        String actor,
        Instant time) {
      return new New(
          "chip.health",
          "node/" + node + "/chips/" + chipIndex,
          null,
          from,
          to,
          reason,
          actor,
          time);
    }

    public static New checkpoint(UUID jobId, long step, String reason, String actor, Instant time) {
      return new New(
          "checkpoint.reported",
          "job/" + jobId + "/checkpoints/" + step,
          jobId,
          null,
          null,
          reason,
          actor,
          time);
    }
  }
}
