package io.baton.agent.run;

import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.Collector;
import io.baton.agent.progress.ProgressBatch;
import io.baton.agent.progress.ProgressTailer;
import io.baton.agent.report.Reporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent: every interval, collect the chips, read new progress lines, and report. A failed
 * collection reports the last known chips as UNKNOWN; a failed report stays buffered; nothing but
 * {@link #stop()} ends the loop, which then flushes once.
 */
public final class AgentLoop {

  private static final Logger LOG = Logger.getLogger(AgentLoop.class.getName());

  private final Collector collector;
  private final ProgressTailer tailer;
  private final Reporter reporter;
  private final Duration interval;
  private final Duration flushTimeout;
  private final Clock clock;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private ChipSnapshot lastChips;
  private String lastFailure;

  /**
   * @param tailer null when the node has no progress directory
   */
  public AgentLoop(
      Collector collector,
      ProgressTailer tailer,
      Reporter reporter,
      Duration interval,
      Duration flushTimeout,
      Clock clock) {
    this.collector = collector;
    this.tailer = tailer;
    this.reporter = reporter;
    this.interval = interval;
    this.flushTimeout = flushTimeout;
    this.clock = clock;
    this.lastChips = new ChipSnapshot(collector.vendor(), List.of());
  }

  /**
   * Runs until {@link #stop()}; then collects, reports and flushes one last time.
   *
   * @return whether every report was delivered in the end
   */
  public boolean run() {
    try {
      while (stopping.getCount() > 0) {
        Instant started = clock.instant();
        tick();
        Duration rest = interval.minus(Duration.between(started, clock.instant()));
        if (!rest.isNegative() && stopping.await(rest.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      }
      collectAndOffer();
      return reporter.flush(flushTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (tailer != null) {
        tailer.close();
      }
      stopped.countDown();
    }
  }

  /** Asks the loop to finish; returns at once. */
  public void stop() {
    stopping.countDown();
  }

  /** Waits for the loop's final flush. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void tick() {
    try {
      collectAndOffer();
      reporter.drain();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "agent tick failed; continuing", e);
    }
  }

  private void collectAndOffer() {
    ChipSnapshot chips = collect();
    ProgressBatch batch = ProgressBatch.EMPTY;
    if (tailer != null) {
      batch = tailer.poll();
    }
    reporter.offer(chips, batch);
  }

  private ChipSnapshot collect() {
    try {
      ChipSnapshot chips = collector.collect();
      if (lastFailure != null) {
        LOG.info("chip collection works again");
        lastFailure = null;
      }
      lastChips = chips;
      return chips;
    } catch (CollectException e) {
      if (!e.getMessage().equals(lastFailure)) {
        LOG.warning("chip collection failed, reporting chips UNKNOWN: " + e.getMessage());
      }
      lastFailure = e.getMessage();
      return lastChips.unknownBecause("collection failed: " + e.getMessage());
    }
  }
}
