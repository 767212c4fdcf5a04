package io.baton.agent.simulate;

import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.report.HttpReportSender;
import io.baton.agent.simulate.FaultSpec.Fault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A fleet of simulated agents in one process, for the local backend and for load. A few scheduler
 * threads tick every node once per interval, start times spread evenly across the interval, and
 * every report goes out asynchronously on one shared HTTP client; a node whose previous report is
 * still in flight skips its tick rather than queueing.
 */
public final class FleetSimulator {

  /**
   * @param duration how long to run; null runs until {@link #stop()}
   * @param tokens the token of a node by its name; null sends no Authorization header
   */
  public record Config(
      URI orchestrator,
      int nodes,
      int chips,
      Duration interval,
      Duration duration,
      List<Fault> faults,
      Function<String, String> tokens,
      String nodePrefix,
      Duration requestTimeout,
      int maxInFlight) {}

  private static final ThreadLocal<Boolean> SENDING = ThreadLocal.withInitial(() -> false);

  private final Config config;
  private final HttpClient client;
  private final Clock clock;
  private final URI endpoint;
  private final List<SimNode> nodes = new ArrayList<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final LongAdder sent = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Semaphore slots;
  private final Queue<SimNode> due = new ConcurrentLinkedQueue<>();
  private final Object idle = new Object();

  /**
   * @throws IllegalArgumentException when a fault names a node or chip the fleet lacks, or a node's
   *     token cannot be had
   */
  public FleetSimulator(Config config, HttpClient client, Clock clock) {
    this.config = config;
    this.client = client;
    this.clock = clock;
    this.endpoint = HttpReportSender.endpoint(config.orchestrator());
    if (config.maxInFlight() < 1) {
      throw new IllegalArgumentException("at least one report must be allowed in flight");
    }
    this.slots = new Semaphore(config.maxInFlight());
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < config.nodes(); i++) {
      String name = nodeName(config.nodePrefix(), i);
      String token = config.tokens().apply(name);
      nodes.add(
          new SimNode(name, UUID.randomUUID(), token, new SimCollector(config.chips(), Map.of())));
      byName.put(name, i);
    }
    for (Fault fault : config.faults()) {
      int index = fault.node() == null ? fault.nodeIndex() : byName.getOrDefault(fault.node(), -1);
      if (index < 0 || index >= nodes.size()) {
        throw new IllegalArgumentException(
            "fault names node "
                + (fault.node() == null ? fault.nodeIndex() : fault.node())
                + ", which the fleet lacks");
      }
      if (fault.chip() >= config.chips()) {
        throw new IllegalArgumentException(
            "fault names chip " + fault.chip() + ", but nodes have " + config.chips() + " chips");
      }
    }
  }

  /**
   * {@code sim-42}: the prefix and the node's number, like the local backend's {@code <pool>-<i>}
   * nodes, so a fleet can report for them.
   */
  public static String nodeName(String prefix, int index) {
    return prefix + index;
  }

  public static HttpClient httpClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .executor(Executors.newFixedThreadPool(2, daemon("sim-http")))
        .build();
  }

  public List<String> nodeNames() {
    return nodes.stream().map(SimNode::name).toList();
  }

  /** Runs for the configured duration, or until {@link #stop()}; returns what happened. */
  public FleetSummary run() throws InterruptedException {
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors())),
            daemon("sim-tick"));
    long intervalNanos = config.interval().toNanos();
    long started = System.nanoTime();
    List<ScheduledFuture<?>> ticks = new ArrayList<>(nodes.size());
    try {
      for (int i = 0; i < nodes.size(); i++) {
        SimNode node = nodes.get(i);
        long offset = intervalNanos * i / nodes.size();
        ticks.add(
            scheduler.scheduleAtFixedRate(
                () -> tick(node), offset, intervalNanos, TimeUnit.NANOSECONDS));
      }
      for (Fault fault : config.faults()) {
        SimNode node =
            fault.node() == null
                ? nodes.get(fault.nodeIndex())
                : nodes.stream()
                    .filter(n -> n.name().equals(fault.node()))
                    .findFirst()
                    .orElseThrow();
        scheduler.schedule(
            () -> node.chips().set(fault.chip(), fault.state()),
            fault.after().toNanos(),
            TimeUnit.NANOSECONDS);
      }
      if (config.duration() == null) {
        stop.await();
      } else {
        stop.await(config.duration().toNanos(), TimeUnit.NANOSECONDS);
      }
    } finally {
      ticks.forEach(t -> t.cancel(false));
      scheduler.shutdownNow();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }
    double elapsedSec = (System.nanoTime() - started) / 1e9;
    awaitInFlight(config.requestTimeout().plusSeconds(1));
    return summary(elapsedSec);
  }

  public void stop() {
    stop.countDown();
  }

  private void tick(SimNode node) {
    if (!node.tryStartSend()) {
      skipped.increment();
      return;
    }
    inFlight.incrementAndGet();
    due.add(node);
    sendDue();
  }

  /**
   * Sends due reports while fewer than {@code maxInFlight} are on the wire. Bounding them keeps the
   * client's connection pool small; a burst of thousands of connections costs more CPU than it
   * saves.
   */
  private void sendDue() {
    if (SENDING.get()) {
      return; // a send that failed at once lands here; the loop below carries on
    }
    SENDING.set(true);
    try {
      while (!due.isEmpty() && slots.tryAcquire()) {
        SimNode node = due.poll();
        if (node == null) {
          slots.release();
          return;
        }
        send(node);
      }
    } finally {
      SENDING.set(false);
    }
  }

  private void send(SimNode node) {
    sent.increment();
    long start = System.nanoTime();
    try {
      byte[] body = node.nextReport(clock.instant());
      client
          .sendAsync(
              HttpReportSender.request(endpoint, node.token(), body, config.requestTimeout()),
              HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) ->
                  done(node, start, error == null ? response.statusCode() : 0, error));
    } catch (RuntimeException e) {
      done(node, start, 0, e);
    }
  }

  private void done(SimNode node, long start, int status, Throwable error) {
    if (error == null && status >= 200 && status < 300) {
      ok.increment();
      latency.record((System.nanoTime() - start) / 1_000);
    } else {
      failed.increment();
      String reason = error == null ? "HTTP " + status : unwrap(error).getClass().getSimpleName();
      failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }
    node.sendDone();
    slots.release();
    sendDue();
    if (inFlight.decrementAndGet() == 0) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  private void awaitInFlight(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
  }

  private FleetSummary summary(double elapsedSec) {
    Map<String, Long> failureCounts = new TreeMap<>();
    failures.forEach((reason, count) -> failureCounts.put(reason, count.sum()));
    return new FleetSummary(
        config.nodes(),
        config.chips(),
        config.interval().toMillis(),
        elapsedSec,
        sent.sum(),
        ok.sum(),
        failed.sum(),
        skipped.sum(),
        latency.percentileMicros(0.50) / 1000.0,
        latency.percentileMicros(0.90) / 1000.0,
        latency.percentileMicros(0.99) / 1000.0,
        latency.maxMicros() / 1000.0,
        failureCounts);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
