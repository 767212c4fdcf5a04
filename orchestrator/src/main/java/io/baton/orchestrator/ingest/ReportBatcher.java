package io.baton.orchestrator.ingest;

import io.baton.orchestrator.problems.ProblemException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for agent reports: requests queue their report and wait; one writer thread takes
 * whatever has queued (up to {@code baton.ingest.max-batch}) and writes it in one transaction, so
 * the cost of a commit is shared by every report in it. A full queue answers 503 at once, and the
 * agents back off.
 */
@Component
class ReportBatcher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ReportBatcher.class);

  private final ReportWriter writer;
  private final IngestProperties properties;
  private final Clock clock;
  private final BlockingQueue<Pending> queue;
  private volatile Thread thread;
  private volatile boolean running;

  ReportBatcher(ReportWriter writer, IngestProperties properties, Clock clock) {
    this.writer = writer;
    this.properties = properties;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(properties.queueCapacity());
  }

  /** Queues a report; the future completes with whether it was new once it is committed. */
  CompletableFuture<Boolean> submit(AgentReport report) {
    Pending pending = new Pending(report, new CompletableFuture<>());
    if (!running || !queue.offer(pending)) {
      throw new Overloaded();
    }
    return pending.result();
  }

  int queued() {
    return queue.size();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(properties.maxBatch());
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, properties.maxBatch() - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    queue.forEach(p -> p.result().completeExceptionally(new Overloaded()));
  }

  private void write(List<Pending> batch) {
    List<AgentReport> reports = batch.stream().map(Pending::report).toList();
    try {
      complete(batch, writer.write(reports, clock.instant()));
    } catch (RuntimeException batchFailed) {
      if (batch.size() == 1) {
        log.error("Writing a report of node {} failed", reports.get(0).node(), batchFailed);
        batch.get(0).result().completeExceptionally(batchFailed);
        return;
      }
      log.warn(
          "Writing a batch of {} reports failed; writing them one by one: {}",
          batch.size(),
          batchFailed.toString());
      for (Pending pending : batch) {
        write(List.of(pending));
      }
    }
  }

  private static void complete(List<Pending> batch, List<Boolean> applied) {
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(applied.get(i));
    }
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::run, "baton-ingest-writer");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stop taking reports before the database goes away. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1000;
  }

  private record Pending(AgentReport report, CompletableFuture<Boolean> result) {}

  /** The writer is behind; the agent should retry after a pause. */
  static final class Overloaded extends ProblemException {
    Overloaded() {
      super(503, "overloaded", "Overloaded", "Too many reports queued; retry after a pause.");
    }
  }
}
