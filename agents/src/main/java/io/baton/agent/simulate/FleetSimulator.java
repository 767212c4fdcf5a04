package io.baton.agent.simulate;

import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import io.baton.agent.report.HttpReportSender;
import io.baton.agent.simulate.FaultSpec.Fault;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;

/**
 * A fleet of simulated agents in one process, for the local backend and for load.
 *
 * <p>Node {@code i} of {@code N} is due at {@code i·interval/N + k·interval} from the start, so the
 * fleet offers exactly {@code N/interval} reports a second, evenly spread. One thread ticks: it
 * wakes when reports come due (at most about once a millisecond, taking all that came due since)
 * and hands them to the transport, which sends each on a keep-alive connection of its own, up to
 * {@code maxInFlight} at once; a report due while all are busy waits its turn. A node whose
 * previous report is still unanswered (waiting here or on the wire) when it is due again skips that
 * tick: only then is a tick counted as skipped. Latency runs from when a report was due to when its
 * answer arrived, so waiting in the simulator counts as well as time on the wire, and a skipped
 * tick always goes with a latency of at least one interval.
 *
 * <p>For http the ticking thread does the I/O as well ({@link NioTransport}); https uses sender
 * threads with blocking TLS sockets ({@link BlockingTransport}).
 */
public final class FleetSimulator {

  /**
   * @param duration how long to run; null runs until {@link #stop()}
   * @param tokens the token of a node by its name; null sends no Authorization header
   * @param maxInFlight reports on the wire at once, each on its own connection
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
      int maxInFlight) {

    /** The same fleet at another pace and for another time. */
    public Config withInterval(Duration interval, Duration duration) {
      return new Config(
          orchestrator,
          nodes,
          chips,
          interval,
          duration,
          faults,
          tokens,
          nodePrefix,
          requestTimeout,
          maxInFlight);
    }
  }

  /**
   * Reports that come due within this of each other go out from one wake-up of the ticker: at
   * thousands of reports a second, waking for each would cost more than the reports.
   */
  private static final long SLICE_NANOS = 1_000_000;

  private final Config config;
  private final Clock clock;
  private final PostConnection.Target target;
  private final byte[] commonHead;
  private final List<SimNode> nodes = new ArrayList<>();
  private final List<ScheduledFault> faults = new ArrayList<>();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final boolean blocking;
  private final SSLSocketFactory tls;
  private volatile Transport transport;
  private volatile boolean stopped;

  // Counts, guarded by the lock of `counts`; sent == ok + failed + outstanding at all times.
  private final Object counts = new Object();
  private final Map<String, Long> failures = new TreeMap<>();
  private long sent;
  private long ok;
  private long failed;
  private long skipped;
  private long outstanding;
  private boolean draining;
  private boolean closed;

  private record ScheduledFault(long afterNanos, SimNode node, int chip, ChipState state) {}

  /**
   * @throws IllegalArgumentException when a fault names a node or chip the fleet lacks, a node's
   *     token cannot be had or cannot be sent, or the orchestrator is no http(s) URL
   */
  public FleetSimulator(Config config, Clock clock) {
    this(config, clock, false, null);
  }

  /**
   * @param blocking use the thread-per-connection transport even for http (tests)
   * @param tls makes https connections; null for the JDK's default
   */
  FleetSimulator(Config config, Clock clock, boolean blocking, SSLSocketFactory tls) {
    this.config = config;
    this.tls = tls;
    this.clock = clock;
    if (config.maxInFlight() < 1) {
      throw new IllegalArgumentException("at least one report must be allowed in flight");
    }
    if (config.interval().isZero() || config.interval().isNegative()) {
      throw new IllegalArgumentException("the interval must be positive");
    }
    this.target = PostConnection.Target.of(HttpReportSender.endpoint(config.orchestrator()));
    this.commonHead = target.commonHead();
    Map<String, Integer> byName = new HashMap<>();
    byte[] freshTail = SimNode.tail(new SimCollector(config.chips(), Map.of()));
    for (int i = 0; i < config.nodes(); i++) {
      String name = nodeName(config.nodePrefix(), i);
      String token = config.tokens().apply(name);
      SimCollector chips = new SimCollector(config.chips(), Map.of());
      nodes.add(new SimNode(name, UUID.randomUUID(), token, chips, freshTail));
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
      faults.add(
          new ScheduledFault(
              saturatedNanos(fault.after()), nodes.get(index), fault.chip(), fault.state()));
    }
    faults.sort(Comparator.comparingLong(ScheduledFault::afterNanos));
    this.blocking = blocking || target.tls();
  }

  /**
   * {@code sim-42}: the prefix and the node's number, like the local backend's {@code <pool>-<i>}
   * nodes, so a fleet can report for them.
   */
  public static String nodeName(String prefix, int index) {
    return prefix + index;
  }

  public List<String> nodeNames() {
    return nodes.stream().map(SimNode::name).toList();
  }

  /**
   * Runs for the configured duration, or until {@link #stop()}; then waits up to the request
   * timeout for answers still due, and returns what happened. The rate is reports sent over the
   * time in which ticks were scheduled (the duration, or until stopped).
   */
  public FleetSummary run() throws InterruptedException {
    Transport transport = newTransport();
    this.transport = transport;
    long interval = config.interval().toNanos();
    long duration = config.duration() == null ? Long.MAX_VALUE : saturatedNanos(config.duration());
    int count = nodes.size();
    long start = System.nanoTime();
    long window;
    try {
      long tick = 0;
      int fault = 0;
      while (true) {
        long now = System.nanoTime() - start;
        if (stopped) {
          window = Math.min(now, duration);
          break;
        }
        for (; fault < faults.size() && faults.get(fault).afterNanos() <= now; fault++) {
          ScheduledFault f = faults.get(fault);
          f.node().chips().set(f.chip(), f.state());
        }
        long due = dueAt(tick, count, interval);
        while (due <= now && due < duration) {
          tick(nodes.get((int) (tick % count)), start + due);
          due = dueAt(++tick, count, interval);
        }
        if (now >= duration) {
          window = duration;
          break;
        }
        long wake = Math.min(due, duration);
        if (fault < faults.size()) {
          wake = Math.min(wake, faults.get(fault).afterNanos());
        }
        transport.await(Math.max(wake - now, SLICE_NANOS));
      }
      awaitAnswers(transport, config.requestTimeout().plusSeconds(1));
      return summary(window / 1e9);
    } finally {
      synchronized (counts) {
        closed = true;
      }
      transport.close();
    }
  }

  public void stop() {
    stopped = true;
    Transport running = transport;
    if (running != null) {
      running.wakeup();
    }
  }

  private Transport newTransport() {
    Transport.Reports reports =
        new Transport.Reports() {
          @Override
          public void writeRequest(Due report, ByteSink body, ByteSink request) {
            FleetSimulator.this.writeRequest(report, body, request);
          }

          @Override
          public void done(Due report, int status, Throwable error) {
            FleetSimulator.this.done(report, status, error);
          }
        };
    return blocking
        ? new BlockingTransport(
            target,
            reports,
            config.maxInFlight(),
            config.requestTimeout(),
            tls != null ? tls : (SSLSocketFactory) SSLSocketFactory.getDefault())
        : new NioTransport(target, reports, config.maxInFlight(), config.requestTimeout());
  }

  /** When tick number {@code tick} of the whole fleet is due, in nanoseconds from the start. */
  static long dueAt(long tick, int nodes, long intervalNanos) {
    long round = tick / nodes;
    long index = tick % nodes;
    long offset =
        intervalNanos <= Long.MAX_VALUE / nodes
            ? index * intervalNanos / nodes
            : (long) ((double) index / nodes * intervalNanos);
    return round * intervalNanos + offset;
  }

  private void tick(SimNode node, long dueNanos) {
    boolean claimed = node.tryStartSend();
    synchronized (counts) {
      if (!claimed) {
        skipped++;
        return;
      }
      sent++;
      outstanding++;
    }
    transport.submit(new Due(node, dueNanos));
  }

  private void done(Due report, int status, Throwable error) {
    long answered = System.nanoTime();
    boolean accepted = error == null && status >= 200 && status < 300;
    synchronized (counts) {
      if (!closed) {
        if (accepted) {
          ok++;
          latency.record((answered - report.dueNanos()) / 1_000);
        } else {
          failed++;
          String reason = error == null ? "HTTP " + status : error.getClass().getSimpleName();
          failures.merge(reason, 1L, Long::sum);
        }
        outstanding--;
        if (outstanding == 0 && draining) {
          transport.wakeup();
        }
      }
    }
    report.node().sendDone();
  }

  /** Keeps handling answers until every report sent is answered, or the timeout passed. */
  private void awaitAnswers(Transport transport, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      synchronized (counts) {
        if (outstanding == 0) {
          return;
        }
        draining = true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      transport.await(Math.min(left, 10_000_000));
    }
  }

  private void writeRequest(Due report, ByteSink body, ByteSink request) {
    body.clear();
    report.node().writeNextReport(body, clock.instant());
    request
        .append(commonHead)
        .append(report.node().authorization())
        .appendAscii("Content-Length: ")
        .appendDecimal(body.size())
        .appendAscii("\r\n\r\n")
        .append(body.array(), 0, body.size());
  }

  private FleetSummary summary(double elapsedSec) {
    synchronized (counts) {
      closed = true;
      Map<String, Long> failureCounts = new TreeMap<>(failures);
      if (outstanding > 0) {
        failureCounts.put("no answer before the end of the run", outstanding);
      }
      return new FleetSummary(
          config.nodes(),
          config.chips(),
          config.interval().toMillis(),
          elapsedSec,
          sent,
          ok,
          failed + outstanding,
          skipped,
          latency.percentileMicros(0.50) / 1000.0,
          latency.percentileMicros(0.90) / 1000.0,
          latency.percentileMicros(0.99) / 1000.0,
          latency.maxMicros() / 1000.0,
          failureCounts);
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
