package io.baton.orchestrator.metrics;

import io.baton.orchestrator.leadership.Leadership;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The fleet gauges in {@code /actuator/prometheus}: per chip, node, pool, job, promotion gate and
 * endpoint. At 5,000 nodes × 8 chips that is some 400,000 series; as Micrometer gauges each would
 * be an object with a callback and a per-scrape read, so they are instead one {@link
 * MultiCollector} on the Prometheus registry Micrometer writes into, serving families built from
 * one database reading ({@link FleetReader}) every {@code baton.metrics.refresh-interval} on a
 * thread of their own. A scrape writes out what was built and never queries the database; {@code
 * ./bench/run dashboard} measures both (see docs/operations.md for the figures).
 */
@Component
class FleetMetrics implements MultiCollector, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(FleetMetrics.class);
  private static final MetricSnapshots NONE = new MetricSnapshots(List.of());

  private final FleetReader reader;
  private final MetricsProperties properties;
  private final Leadership leadership;
  private final ObjectProvider<PrometheusRegistry> registry;
  private final Clock clock;
  private final Timer reads;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile FleetSnapshot snapshot;
  private volatile List<MetricSnapshot> families;

  /**
   * The families of {@link #snapshot} written out, per text format; filled as formats are asked.
   */
  private volatile Map<TextFormat, byte[]> written = new ConcurrentHashMap<>();

  /** The text formats scrapes asked for, and when last; a refresh writes those out in advance. */
  private final Map<TextFormat, Instant> asked = new ConcurrentHashMap<>();

  private volatile Instant lastScrape = Instant.MIN;
  private volatile ScheduledExecutorService timer;

  FleetMetrics(
      FleetReader reader,
      MetricsProperties properties,
      Leadership leadership,
      ObjectProvider<PrometheusRegistry> registry,
      Clock clock,
      MeterRegistry meters) {
    this.reader = reader;
    this.properties = properties;
    this.leadership = leadership;
    this.registry = registry;
    this.clock = clock;
    this.reads =
        Timer.builder("baton.fleet.metrics.read")
            .description("Reading the fleet gauges from the database and building their families")
            .register(meters);
  }

  @Override
  public MetricSnapshots collect() {
    Instant now = clock.instant();
    lastScrape = now;
    if (!exports()) {
      return NONE;
    }
    FleetSnapshot read;
    List<MetricSnapshot> built;
    synchronized (this) {
      read = snapshot;
      built = families;
    }
    refreshIfStale(read, now);
    if (read == null) {
      return NONE;
    }
    List<MetricSnapshot> all = new ArrayList<>(built);
    all.add(FleetExport.age(read.readAt(), now));
    return new MetricSnapshots(all);
  }

  /**
   * The fleet families of the latest reading in {@code format}, but their age (see {@link
   * FleetExport#age}): written once per reading, so that a scrape copies bytes instead of writing
   * some 300,000 samples (a second at 5,000 nodes on two cores). Empty when this replica exports
   * nothing or has no reading yet.
   */
  Optional<Written> written(TextFormat format) {
    Instant now = clock.instant();
    lastScrape = now;
    asked.put(format, now);
    if (!exports()) {
      return Optional.empty();
    }
    FleetSnapshot read;
    List<MetricSnapshot> built;
    Map<TextFormat, byte[]> texts;
    synchronized (this) {
      read = snapshot;
      built = families;
      texts = written;
    }
    refreshIfStale(read, now);
    if (read == null) {
      return Optional.empty();
    }
    byte[] text = texts.computeIfAbsent(format, f -> f.write(built));
    return Optional.of(new Written(text, FleetExport.age(read.readAt(), now)));
  }

  /** The families written out, and their age to write beside them. */
  record Written(byte[] families, MetricSnapshot age) {}

  /** The text exposition formats, each writing families the way a scrape of that format would. */
  enum TextFormat {
    PROMETHEUS_004(ExpositionFormats.init().getPrometheusTextFormatWriter()),
    OPENMETRICS_100(ExpositionFormats.init().getOpenMetricsTextFormatWriter());

    /** OpenMetrics ends an exposition with this line; a part of one must not. */
    static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.UTF_8);

    final ExpositionFormatWriter writer;

    TextFormat(ExpositionFormatWriter writer) {
      this.writer = writer;
    }

    /** {@code families} as this format writes them, without an OpenMetrics end line. */
    byte[] write(List<MetricSnapshot> families) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      try {
        writer.write(out, new MetricSnapshots(families));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      byte[] bytes = out.toByteArray();
      return withoutEof(bytes);
    }

    static byte[] withoutEof(byte[] bytes) {
      int n = bytes.length - EOF.length;
      if (n >= 0 && Arrays.equals(bytes, n, bytes.length, EOF, 0, EOF.length)) {
        return Arrays.copyOf(bytes, n);
      }
      return bytes;
    }
  }

  @Override
  public List<String> getPrometheusNames() {
    return FleetExport.NAMES;
  }

  /** Asks for a reading in the background when there is none or it missed two refreshes. */
  private void refreshIfStale(FleetSnapshot read, Instant now) {
    if (read == null
        || read.readAt().plus(properties.refreshInterval().multipliedBy(2)).isBefore(now)) {
      ScheduledExecutorService running = timer;
      if (running != null) {
        running.execute(this::refreshQuietly);
      }
    }
  }

  /** Reads the fleet now and builds the families the next scrapes serve. */
  void refresh() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      Instant now = clock.instant();
      long started = System.nanoTime();
      FleetSnapshot read = reader.read(now, now.minus(properties.endedJobs()));
      List<MetricSnapshot> built = FleetExport.export(read, now);
      Map<TextFormat, byte[]> texts = new ConcurrentHashMap<>();
      Instant recent = now.minus(properties.idleAfter());
      for (Map.Entry<TextFormat, Instant> format : asked.entrySet()) {
        if (format.getValue().isAfter(recent)) {
          texts.put(format.getKey(), format.getKey().write(built));
        }
      }
      reads.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      synchronized (this) {
        families = built;
        snapshot = read;
        written = texts;
      }
    } finally {
      refreshing.set(false);
    }
  }

  private void refreshQuietly() {
    try {
      if (exports()) {
        refresh();
      }
    } catch (RuntimeException e) {
      log.warn(
          "Reading the fleet metrics failed; scrapes serve the previous reading: {}", e.toString());
    }
  }

  private void tick() {
    boolean scraped = !lastScrape.plus(properties.idleAfter()).isBefore(clock.instant());
    if (scraped || snapshot == null) {
      refreshQuietly();
    }
  }

  private boolean exports() {
    return !properties.leaderOnly() || leadership.isLeader();
  }

  @Override
  public void start() {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "baton-fleet-metrics");
              thread.setDaemon(true);
              return thread;
            });
    timer = executor;
    long every = properties.refreshInterval().toMillis();
    executor.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    registry.ifAvailable(r -> r.register(this));
  }

  @Override
  public void stop() {
    registry.ifAvailable(r -> r.unregister(this));
    ScheduledExecutorService executor = timer;
    timer = null;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return timer != null;
  }
}
