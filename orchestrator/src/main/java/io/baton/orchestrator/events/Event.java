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
 * @param actor who or what caused it: the authenticated caller ({@code token:<id>:<name>}, {@code
 *     oidc:<subject>}, {@code admin}) or a part of Baton ({@code scheduler}, {@code recovery}, ...)
 * @param time when
 * @param team the team the event belongs to (its job's or endpoint's); null for fleet and platform
 *     events
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
    Instant time,
    String team) {

  /**
   * An event about to be recorded; the log assigns its id. Without a team, the log takes the job's
   * team, or the endpoint's for {@code endpoint/<name>…} subjects.
   */
  public record New(
      String type,
      String subject,
      UUID jobId,
      String from,
      String to,
      String reason,
      String actor,
      Instant time,
      String team) {

    public New(
        String type,
        String subject,
        UUID jobId,
        String from,
        String to,
        String reason,
        String actor,
        Instant time) {
      this(type, subject, jobId, from, to, reason, actor, time, null);
    }

    /** An audit event of the platform: token, webhook, scheduler and fault-injection changes. */
    public static New audit(
        String type, String subject, String reason, String actor, Instant time) {
      return new New(type, subject, null, null, null, reason, actor, time, null);
    }

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
