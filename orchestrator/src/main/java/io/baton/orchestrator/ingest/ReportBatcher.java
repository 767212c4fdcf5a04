package io.baton.orchestrator.ingest;

import io.baton.orchestrator.problems.ProblemException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit for agent reports: requests queue their report and wait; a writer thread takes
 * whatever has queued (up to {@code baton.ingest.max-batch}) and writes it in one transaction, so
 * the cost of a commit is shared by every report in it. While fewer than {@code
 * baton.ingest.min-batch} wait, the writer lets more gather for {@code baton.ingest.linger} first:
 * a few milliseconds on a report sent every few seconds, for a fraction of the database's time per
 * report. Requests are answered from another thread, so the writer goes on with the next batch. A
 * full queue answers 503 at once, and the agents back off. Batch sizes are the {@code
 * baton.ingest.batch.size} metric.
 *
 * <p>There are {@code baton.ingest.writers} writers, each with a queue and a database connection of
 * its own, so one writer's batch is built while another's is in the database. A node's reports
 * always go to the same writer, in the order they came: writers never touch the same node row.
 */
@Component
class ReportBatcher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ReportBatcher.class);

  private final ReportWriter writer;
  private final IngestProperties properties;
  private final Clock clock;
  private final List<Lane> lanes = new ArrayList<>();
  private final DistributionSummary batchSizes;
  private final Timer lag;
  private volatile boolean running;

  /**
   * Completes the requests of a written batch, which writes their answers: off the writer threads,
   * so a writer goes on with its next batch while the last one is answered. Made at each start, as
   * a stopped context (a paused test context, say) may be started again.
   */
  private volatile ExecutorService answers;

  ReportBatcher(
      ReportWriter writer, IngestProperties properties, Clock clock, MeterRegistry meters) {
    this.writer = writer;
    this.properties = properties;
    this.clock = clock;
    int writers = Math.max(1, properties.writers());
    for (int i = 0; i < writers; i++) {
      lanes.add(new Lane(i, Math.max(1, properties.queueCapacity() / writers)));
    }
    this.batchSizes =
        DistributionSummary.builder("baton.ingest.batch.size")
            .description("Agent reports written per transaction")
            .baseUnit("reports")
            .register(meters);
    this.lag =
        Timer.builder("baton.ingest.lag")
            .description("From a report's arrival to the commit of the batch that wrote it")
            .publishPercentileHistogram()
            .minimumExpectedValue(java.time.Duration.ofMillis(1))
            .maximumExpectedValue(java.time.Duration.ofSeconds(30))
            .register(meters);
    Gauge.builder("baton.ingest.queued", this, ReportBatcher::queued)
        .description("Agent reports waiting to be written")
        .baseUnit("reports")
        .register(meters);
  }

  /** Queues a report; the future completes with whether it was new once it is committed. */
  CompletableFuture<Boolean> submit(AgentReport report) {
    Pending pending = new Pending(report, System.nanoTime(), new CompletableFuture<>());
    Lane lane = lanes.get(Math.floorMod(report.node().hashCode(), lanes.size()));
    if (!running || !lane.queue.offer(pending)) {
      throw new Overloaded();
    }
    return pending.result();
  }

  int queued() {
    return lanes.stream().mapToInt(lane -> lane.queue.size()).sum();
  }

  /** One writer: its queue and its thread. */
  private final class Lane {

    final BlockingQueue<Pending> queue;
    final String name;
    volatile Thread thread;

    Lane(int index, int capacity) {
      this.queue = new ArrayBlockingQueue<>(capacity);
      this.name = "baton-ingest-writer-" + index;
    }

    void run() {
      List<Pending> batch = new ArrayList<>(properties.maxBatch());
      while (running || !queue.isEmpty()) {
        try {
          Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          if (!properties.linger().isZero() && queue.size() + 1 < properties.minBatch()) {
            TimeUnit.NANOSECONDS.sleep(properties.linger().toNanos());
          }
          batch.add(first);
          queue.drainTo(batch, properties.maxBatch() - 1);
          batchSizes.record(batch.size());
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
  }

  private void write(List<Pending> batch) {
    List<AgentReport> reports = batch.stream().map(Pending::report).toList();
    try {
      List<Pending> written = List.copyOf(batch);
      List<Boolean> applied = writer.write(reports, clock.instant());
      long committed = System.nanoTime();
      written.forEach(p -> lag.record(committed - p.receivedNanos(), TimeUnit.NANOSECONDS));
      answers.execute(() -> complete(written, applied));
    } catch (RuntimeException batchFailed) {
      if (batch.size() == 1) {
        log.error("Writing a report of node {} failed", reports.get(0).node(), batchFailed);
        Pending failed = batch.get(0);
        answers.execute(() -> failed.result().completeExceptionally(batchFailed));
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
    answers =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "baton-ingest-answers");
              thread.setDaemon(true);
              return thread;
            });
    running = true;
    for (Lane lane : lanes) {
      Thread thread = new Thread(lane::run, lane.name);
      thread.setDaemon(true);
      lane.thread = thread;
      thread.start();
    }
  }

  @Override
  public void stop() {
    running = false;
    try {
      for (Lane lane : lanes) {
        lane.thread.join(10_000);
      }
      answers.shutdown();
      answers.awaitTermination(10, TimeUnit.SECONDS);
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

  private record Pending(
      AgentReport report, long receivedNanos, CompletableFuture<Boolean> result) {}

  /** The writer is behind; the agent should retry after a pause. */
  static final class Overloaded extends ProblemException {
    Overloaded() {
      super(503, "overloaded", "Overloaded", "Too many reports queued; retry after a pause.");
    }
  }
}
