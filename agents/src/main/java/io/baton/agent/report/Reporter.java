package io.baton.agent.report;

import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.progress.ProgressBatch;
import io.baton.agent.report.Delivery.Accepted;
import io.baton.agent.report.Delivery.Rejected;
import io.baton.agent.report.Delivery.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns what the agent collected into numbered reports and delivers them in order.
 *
 * <p>Every {@link #offer} makes one report due; {@link #drain} builds and sends reports until none
 * is due or the orchestrator fails. A report that failed with a retryable error is kept, with its
 * seq, and sent again after an exponential backoff with full jitter; meanwhile new offers wait in
 * the bounded {@link ReportBuffer}. A report the orchestrator rejects for good (4xx other than 408
 * and 429) is logged and dropped. Not thread-safe: one agent loop owns it.
 */
public final class Reporter {

  private static final Logger LOG = Logger.getLogger(Reporter.class.getName());

  private record Pending(AgentReport report, byte[] body) {}

  private final String node;
  private final UUID bootId;
  private final ReportSender sender;
  private final ReportBuffer buffer;
  private final Backoff backoff;
  private final Clock clock;
  private final RandomGenerator random;
  private final Sleeper sleeper;
  private long nextSeq;
  private boolean due;
  private Pending inFlight;
  private int failures;
  private Instant retryAt = Instant.MIN;
  private long delivered;
  private long rejected;

  public Reporter(
      String node,
      UUID bootId,
      ReportSender sender,
      ReportBuffer buffer,
      Backoff backoff,
      Clock clock,
      RandomGenerator random,
      Sleeper sleeper) {
    this.node = node;
    this.bootId = bootId;
    this.sender = sender;
    this.buffer = buffer;
    this.backoff = backoff;
    this.clock = clock;
    this.random = random;
    this.sleeper = sleeper;
  }

  public UUID bootId() {
    return bootId;
  }

  public void offer(ChipSnapshot chips, ProgressBatch batch) {
    buffer.add(chips, batch);
    due = true;
  }

  /**
   * Sends what is due, without waiting.
   *
   * @return true when nothing is left to send
   */
  public boolean drain() {
    if (clock.instant().isBefore(retryAt)) {
      return false;
    }
    while (true) {
      if (inFlight == null) {
        if (!buffer.hasChips() || (!due && !buffer.hasEntries())) {
          return true;
        }
        inFlight = build();
        due = false;
      }
      Delivery delivery = sender.send(inFlight.body());
      if (delivery instanceof Accepted) {
        if (failures > 0) {
          LOG.info(() -> "orchestrator reachable again after " + failures + " failed attempts");
        }
        delivered++;
        failures = 0;
        inFlight = null;
      } else if (delivery instanceof Rejected r) {
        LOG.warning(
            () ->
                "orchestrator rejected report seq "
                    + inFlight.report().seq()
                    + ", dropped: "
                    + r.reason());
        rejected++;
        failures = 0;
        inFlight = null;
      } else if (delivery instanceof Retry r) {
        failures++;
        Duration wait = retryDelay(r);
        retryAt = clock.instant().plus(wait);
        Level level = failures == 1 ? Level.WARNING : Level.FINE;
        LOG.log(
            level,
            () ->
                "report seq "
                    + inFlight.report().seq()
                    + " not delivered ("
                    + r.reason()
                    + "); retry "
                    + failures
                    + " in "
                    + wait.toMillis()
                    + " ms, buffering");
        return false;
      }
    }
  }

  /**
   * Sends everything due, waiting out backoffs, until done or the timeout passes.
   *
   * @return true when everything was delivered (or rejected for good)
   */
  public boolean flush(Duration timeout) {
    Instant deadline = clock.instant().plus(timeout);
    while (!drain()) {
      Instant now = clock.instant();
      if (!now.isBefore(deadline)) {
        return false;
      }
      Instant until = retryAt.isBefore(deadline) ? retryAt : deadline;
      Duration wait = Duration.between(now, until);
      try {
        if (!wait.isNegative()) {
          sleeper.sleep(wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * The jittered backoff, but never shorter than the orchestrator's Retry-After (up to the cap).
   */
  private Duration retryDelay(Retry retry) {
    Duration wait = backoff.delay(failures, random);
    Duration asked = retry.retryAfter();
    if (asked == null || asked.compareTo(wait) <= 0) {
      return wait;
    }
    return asked.compareTo(backoff.cap()) < 0 ? asked : backoff.cap();
  }

  /** Reports the orchestrator accepted. */
  public long delivered() {
    return delivered;
  }

  /** Reports the orchestrator refused for good, and that were dropped. */
  public long rejected() {
    return rejected;
  }

  /** The seq the next new report gets. */
  public long nextSeq() {
    return nextSeq;
  }

  private Pending build() {
    ReportBuffer.Contents contents =
        buffer.take(AgentReport.MAX_PROGRESS, AgentReport.MAX_CHECKPOINTS);
    while (true) {
      AgentReport report = report(contents);
      byte[] body = ReportJson.bytes(report);
      int entries = contents.progress().size() + contents.checkpoints().size();
      if (body.length <= AgentReport.MAX_BYTES || entries <= 1) {
        nextSeq++;
        return new Pending(report, body);
      }
      contents = half(contents);
    }
  }

  /** Keeps the older half of the entries and puts the rest back for the next report. */
  private ReportBuffer.Contents half(ReportBuffer.Contents contents) {
    List<ObjectNode> progress = contents.progress();
    List<ObjectNode> checkpoints = contents.checkpoints();
    if (!progress.isEmpty()) {
      int keep = progress.size() / 2;
      buffer.putBack(progress.subList(keep, progress.size()), checkpoints);
      progress = progress.subList(0, keep);
      checkpoints = List.of();
    } else {
      int keep = checkpoints.size() / 2;
      buffer.putBack(List.of(), checkpoints.subList(keep, checkpoints.size()));
      checkpoints = checkpoints.subList(0, keep);
    }
    return new ReportBuffer.Contents(
        contents.chips(),
        progress,
        checkpoints,
        contents.malformedLines(),
        contents.droppedProgress());
  }

  private AgentReport report(ReportBuffer.Contents contents) {
    return new AgentReport(
        node,
        bootId,
        nextSeq,
        clock.instant(),
        contents.chips().vendor(),
        contents.chips().chips(),
        contents.progress(),
        contents.checkpoints(),
        contents.malformedLines() == 0 ? null : contents.malformedLines(),
        contents.droppedProgress() == 0 ? null : contents.droppedProgress());
  }
}
