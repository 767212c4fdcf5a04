package io.baton.orchestrator.cluster.local;

import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.cluster.LaunchContract;
import io.baton.orchestrator.persistence.DataDirProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Endpoint replicas of the local backend: each is a process (the demo model's server by default) in
 * {@code <data-dir>/serving/<endpoint>/r<revision>/replica-<i>}, its output in {@code replica.log}
 * there, what it serves in {@code replica.properties}. It announces its port with a {@code
 * LISTENING <port>} line; it is ready when {@code GET /healthz} answers 200. Like ranks, replicas
 * outlive the orchestrator (unless {@code baton.cluster.local.stop-ranks-on-shutdown}), and the
 * next start adopts those it finds ({@code BATON_REPLICA_ID=<endpoint>/<revision>/<index>} in their
 * environment, see {@link LocalProcess}), so an endpoint keeps serving across a restart; the
 * endpoints' reconciler then starts what should serve and is missing.
 */
@Component
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "local", matchIfMissing = true)
class LocalInference implements InferenceBackend, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(LocalInference.class);
  private static final String LISTENING = "LISTENING ";

  /** The variable that marks a replica's process: {@code <endpoint>/<revision>/<index>}. */
  static final String MARKER = "BATON_REPLICA_ID";

  private static final String SPEC_FILE = "replica.properties";

  private final Path dataDir;
  private final Path serving;
  private final Path root;
  private final Map<String, Running> replicas = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final boolean stopOnShutdown;
  private volatile boolean running;

  /**
   * @param home {@code baton.local.home} ({@link LocalHome}; blank: found from the jar)
   */
  LocalInference(
      DataDirProperties properties,
      LocalProperties local,
      @org.springframework.beans.factory.annotation.Value("${baton.local.home:}") String home) {
    this.root = LocalHome.of(home);
    this.stopOnShutdown = local.stopRanksOnShutdown();
    this.dataDir = properties.dataDir().toAbsolutePath();
    this.serving = dataDir.resolve("serving");
  }

  private static final class Running {
    final Replica spec;
    final LocalProcess process;
    final Path dir;
    final Instant startedAt;
    volatile String url;
    volatile long probedAt;
    volatile boolean healthy;

    Running(Replica spec, LocalProcess process, Path dir, Instant startedAt) {
      this.spec = spec;
      this.process = process;
      this.dir = dir;
      this.startedAt = startedAt;
    }

    Integer exitCode() {
      if (process == null) {
        return 127;
      }
      return process.exitCode();
    }
  }

  @Override
  public synchronized void ensureReplica(Replica replica) {
    if (!running) {
      throw new IllegalStateException("the local backend is stopped; no replica starts now");
    }
    String key = key(replica.endpoint(), replica.revision(), replica.index());
    Running current = replicas.get(key);
    if (current != null && current.exitCode() == null) {
      return;
    }
    replicas.put(key, spawn(replica));
  }

  private Running spawn(Replica replica) {
    Path dir =
        serving
            .resolve(replica.endpoint())
            .resolve("r" + replica.revision())
            .resolve("replica-" + replica.index());
    Path logFile = dir.resolve("replica.log");
    Map<String, String> env = new HashMap<>();
    env.put("BATON_ENDPOINT", replica.endpoint());
    env.put("BATON_REVISION", Integer.toString(replica.revision()));
    env.put("BATON_REPLICA", Integer.toString(replica.index()));
    env.put("BATON_MODEL", replica.artifact());
    env.put("BATON_LOCAL_ROOT", root.toString());
    env.put("PORT", "0");
    env.put(
        "CUDA_VISIBLE_DEVICES",
        replica.chips().stream().map(String::valueOf).collect(Collectors.joining(",")));
    env.put(MARKER, key(replica.endpoint(), replica.revision(), replica.index()));
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(logFile);
      Instant startedAt = Instant.now();
      writeSpec(dir, replica, startedAt);
      LocalProcess process =
          LocalProcess.start(
              LaunchContract.expand(replica.command(), env), env, dir, logFile, replica.node());
      log.info(
          "Started replica {} of endpoint {} revision {} on {} (pid {})",
          replica.index(),
          replica.endpoint(),
          replica.revision(),
          replica.node(),
          process.pid());
      return new Running(replica, process, dir, startedAt);
    } catch (IOException e) {
      log.warn(
          "Replica {} of {} could not start: {}",
          replica.index(),
          replica.endpoint(),
          e.toString());
      try {
        Files.createDirectories(dir);
        Files.writeString(logFile, "baton: cannot start " + replica.command() + ": " + e + "\n");
      } catch (IOException ignored) {
        // The state says exit code 127 anyway.
      }
      return new Running(replica, null, dir, Instant.now());
    }
  }

  @Override
  public List<ReplicaState> replicas(String endpoint) {
    List<ReplicaState> states = new ArrayList<>();
    replicas.values().stream()
        .filter(r -> r.spec.endpoint().equals(endpoint))
        .sorted(
            Comparator.comparingInt((Running r) -> r.spec.revision())
                .thenComparingInt(r -> r.spec.index()))
        .forEach(r -> states.add(state(r)));
    return states;
  }

  private ReplicaState state(Running r) {
    Integer exit = r.exitCode();
    if (r.url == null && r.process != null) {
      r.url = listening(r.dir.resolve("replica.log"));
    }
    boolean ready = exit == null && r.url != null && probe(r);
    return new ReplicaState(
        r.spec.endpoint(),
        r.spec.revision(),
        r.spec.index(),
        r.spec.node(),
        r.spec.chips(),
        r.url,
        ready,
        exit,
        r.startedAt);
  }

  private static String listening(Path logFile) {
    try {
      if (!Files.exists(logFile)) {
        return null;
      }
      for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
        if (line.startsWith(LISTENING)) {
          int port = Integer.parseInt(line.substring(LISTENING.length()).trim());
          return "http://127.0.0.1:" + port;
        }
      }
      return null;
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /** The readiness check, at most every 100 ms per replica. */
  private boolean probe(Running r) {
    long now = System.nanoTime();
    if (r.healthy && now - r.probedAt < 100_000_000L) {
      return true;
    }
    r.healthy = healthy(r.url);
    r.probedAt = System.nanoTime();
    return r.healthy;
  }

  private boolean healthy(String url) {
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/healthz"))
                  .timeout(Duration.ofSeconds(1))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void stopReplica(String endpoint, int revision, int index) {
    Running r = replicas.remove(key(endpoint, revision, index));
    if (r != null && r.process != null) {
      r.process.kill();
      try {
        Files.deleteIfExists(r.dir.resolve(LocalProcess.PID_FILE));
      } catch (IOException e) {
        log.debug("Cannot remove pid file of {}: {}", r.dir, e.toString());
      }
    }
  }

  @Override
  public String logs(String endpoint, int revision, int index, int tail) {
    Path file =
        serving
            .resolve(endpoint)
            .resolve("r" + revision)
            .resolve("replica-" + index)
            .resolve("replica.log");
    return Files.exists(file) ? tail(file, tail) : "";
  }

  @Override
  public Conversion convert(ConversionRequest request) {
    Path dir = serving.resolve("conversions").resolve(request.promotionId().toString());
    String extension = request.outputFormat() == null ? "out" : request.outputFormat();
    Path output = dir.resolve("model." + extension);
    Path logFile = dir.resolve("converter.log");
    Map<String, String> env = new HashMap<>(request.env());
    env.put("BATON_CONVERT_INPUT", request.input());
    env.put("BATON_CONVERT_OUTPUT", output.toString());
    env.put("BATON_CONVERT_FORMAT", extension);
    env.put("BATON_LOCAL_ROOT", root.toString());
    long started = System.nanoTime();
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(output);
      ProcessBuilder builder =
          new ProcessBuilder(LaunchContract.expand(request.command(), env))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      int exit;
      if (process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        exit = process.exitValue();
      } else {
        LocalBackend.kill(process);
        exit = 124;
        Files.writeString(
            logFile,
            "baton: converter timed out after " + request.timeout() + "\n",
            java.nio.file.StandardOpenOption.APPEND);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      boolean made = exit == 0 && Files.isRegularFile(output);
      return new Conversion(exit, made ? output.toString() : null, tail(logFile, 20), took);
    } catch (IOException e) {
      return new Conversion(
          127, null, "cannot run " + request.command() + ": " + e.getMessage(), Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while converting", e);
    }
  }

  private static String tail(Path file, int lines) {
    try {
      return String.join("\n", LogTail.lines(file, lines));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void start() {
    adopt();
    running = true;
  }

  /**
   * Leaves the replicas serving (the next orchestrator adopts them), or stops them when {@code
   * baton.cluster.local.stop-ranks-on-shutdown} says so.
   */
  @Override
  public synchronized void stop() {
    running = false;
    if (stopOnShutdown) {
      replicas.values().stream().filter(r -> r.process != null).forEach(r -> r.process.kill());
    } else if (!replicas.isEmpty()) {
      log.info("Leaving {} replicas serving for the next orchestrator to adopt", replicas.size());
    }
    replicas.clear();
  }

  /** What a replica serves, so that a later orchestrator can adopt it. */
  private static void writeSpec(Path dir, Replica replica, Instant startedAt) throws IOException {
    Properties spec = new Properties();
    spec.setProperty("endpoint", replica.endpoint());
    spec.setProperty("revision", Integer.toString(replica.revision()));
    spec.setProperty("index", Integer.toString(replica.index()));
    spec.setProperty("pool", String.valueOf(replica.pool()));
    spec.setProperty("node", String.valueOf(replica.node()));
    spec.setProperty(
        "chips", replica.chips().stream().map(String::valueOf).collect(Collectors.joining(",")));
    spec.setProperty("commandLength", Integer.toString(replica.command().size()));
    for (int i = 0; i < replica.command().size(); i++) {
      spec.setProperty("command." + i, replica.command().get(i));
    }
    spec.setProperty("artifact", String.valueOf(replica.artifact()));
    spec.setProperty("startedAt", startedAt.toString());
    try (var out = Files.newBufferedWriter(dir.resolve(SPEC_FILE))) {
      spec.store(out, "a replica of the local backend");
    }
  }

  /** Adopts the replicas a previous orchestrator left running; those that ended are forgotten. */
  private void adopt() {
    if (!Files.isDirectory(serving)) {
      return;
    }
    try (Stream<Path> files = Files.walk(serving, 4)) {
      files
          .filter(f -> f.getFileName().toString().equals(SPEC_FILE))
          .forEach(f -> adopt(f.getParent()));
    } catch (IOException e) {
      log.warn("Cannot look for replicas left running in {}: {}", serving, e.toString());
    }
    if (!replicas.isEmpty()) {
      log.info("Adopted {} replicas left serving by a previous run", replicas.size());
    }
  }

  private void adopt(Path dir) {
    try {
      Properties spec = new Properties();
      try (var in = Files.newBufferedReader(dir.resolve(SPEC_FILE))) {
        spec.load(in);
      }
      List<String> command = new ArrayList<>();
      int length = Integer.parseInt(spec.getProperty("commandLength"));
      for (int i = 0; i < length; i++) {
        command.add(spec.getProperty("command." + i));
      }
      String chips = spec.getProperty("chips", "");
      Replica replica =
          new Replica(
              spec.getProperty("endpoint"),
              Integer.parseInt(spec.getProperty("revision")),
              Integer.parseInt(spec.getProperty("index")),
              spec.getProperty("pool"),
              spec.getProperty("node"),
              chips.isEmpty()
                  ? List.of()
                  : java.util.Arrays.stream(chips.split(",")).map(Integer::valueOf).toList(),
              command,
              spec.getProperty("artifact"));
      String key = key(replica.endpoint(), replica.revision(), replica.index());
      LocalProcess.adopt(dir, MARKER, key)
          .filter(p -> p.exitCode() == null)
          .ifPresent(
              p -> {
                replicas.put(
                    key,
                    new Running(replica, p, dir, Instant.parse(spec.getProperty("startedAt"))));
                log.info(
                    "Adopted replica {} of endpoint {} revision {} (pid {})",
                    replica.index(),
                    replica.endpoint(),
                    replica.revision(),
                    p.pid());
              });
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot adopt the replica recorded in {}: {}", dir, e.toString());
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Starts before and stops after what starts replicas. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1024;
  }

  private static String key(String endpoint, int revision, int index) {
    return endpoint + "/" + revision + "/" + index;
  }
}
