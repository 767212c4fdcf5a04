package io.baton.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The orchestrator jar as a child process on a fresh data directory and a free loopback port. */
final class Orchestrator implements AutoCloseable {

  final Process process;
  final Path dataDir;
  final int port;
  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();

  final HttpClient http = HttpClient.newHttpClient();

  private Orchestrator(Process process, Path dataDir, int port) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
  }

  static Orchestrator start(Path root, Path dataDir, String... extraArgs) throws Exception {
    Orchestrator orchestrator =
        launch(
            root,
            dataDir,
            freePort(),
            ProcessBuilder.Redirect.to(dataDir.resolveSibling("orchestrator.log").toFile()),
            List.of(),
            List.of(extraArgs),
            false);
    try {
      // A busy machine starts it slower: BATON_BENCH_START_TIMEOUT (seconds) waits longer.
      String timeout = System.getenv().getOrDefault("BATON_BENCH_START_TIMEOUT", "120");
      orchestrator.awaitHealthy(Duration.ofSeconds(Long.parseLong(timeout)));
    } catch (Exception | Error e) {
      // Not left running (with its PostgreSQL) after the benchmark gave up on it.
      orchestrator.close();
      throw e;
    }
    return orchestrator;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts the jar on a given port, its output appended to {@code log}, without waiting for it: the
   * chaos campaign restarts it on the same port and data directory and times the wait itself.
   */
  static Orchestrator launch(
      Path root,
      Path dataDir,
      int port,
      ProcessBuilder.Redirect log,
      List<String> jvmArgs,
      List<String> extraArgs,
      boolean shareClasses)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    // Extra JVM options, e.g. a flight recording: BATON_BENCH_JVM_OPTS="-XX:StartFlightRecording=…"
    String jvmOptions = System.getenv("BATON_BENCH_JVM_OPTS");
    if (jvmOptions != null && !jvmOptions.isBlank()) {
      command.addAll(List.of(jvmOptions.trim().split("\\s+")));
    }
    if (shareClasses) {
      command.addAll(ClassDataSharing.launch(root, jvmArgs));
    } else {
      command.addAll(jvmArgs);
      command.add("-jar");
      command.add(root.resolve("orchestrator/target/baton-orchestrator.jar").toString());
    }
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--baton.data-dir=" + dataDir);
    command.add("--logging.level.root=WARN");
    command.add("--spring.main.banner-mode=off");
    // A benchmark is one identity sending far more than a person would.
    command.add("--baton.security.rate-limits.enabled=false");
    // A benchmark leaves no rank or replica behind when it stops its orchestrator (SIGTERM); a
    // bench that restarts one on purpose passes the option itself.
    if (extraArgs.stream()
        .noneMatch(a -> a.startsWith("--baton.cluster.local.stop-ranks-on-shutdown"))) {
      command.add("--baton.cluster.local.stop-ranks-on-shutdown=true");
    }
    command.addAll(extraArgs);
    Files.createDirectories(dataDir);
    // In the repository's root: the local backend's BATON_LOCAL_ROOT is its working directory
    // (where ranks find examples/target/baton-examples.jar), whoever starts it.
    Process process =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    return new Orchestrator(process, dataDir, port);
  }

  /** {@code kill -9}: the JVM gets no chance to stop anything. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A request to the API as the admin (the token the orchestrator generated at start). */
  HttpRequest.Builder request(String path) throws IOException {
    return HttpRequest.newBuilder(base().resolve(path))
        .header("Authorization", "Bearer " + adminToken());
  }

  String adminToken() throws IOException {
    return Files.readString(dataDir.resolve("admin-token")).trim();
  }

  /**
   * Registers {@code nodes} nodes {@code <prefix><i>} in {@code pool} through the admin API and
   * writes their tokens as {@code node token} lines, the format {@code simulate --tokens} reads.
   */
  Path issueTokens(String pool, String prefix, int nodes, Path file) throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int from = 0; from < nodes; from += 1000) {
      List<String> names = new ArrayList<>();
      for (int i = from; i < Math.min(nodes, from + 1000); i++) {
        names.add(prefix + i);
      }
      String body = JSON.writeValueAsString(java.util.Map.of("pool", pool, "nodes", names));
      HttpResponse<String> response = post("/api/v1/admin/node-tokens", body, adminToken());
      if (response.statusCode() != 201) {
        throw new IllegalStateException(
            "issuing tokens: " + response.statusCode() + " " + response.body());
      }
      for (tools.jackson.databind.JsonNode token : JSON.readTree(response.body()).get("items")) {
        lines
            .append(token.get("node").asString())
            .append(' ')
            .append(token.get("token").asString())
            .append('\n');
      }
    }
    Files.writeString(file, lines);
    return file;
  }

  HttpResponse<String> post(String path, String json, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base().resolve(path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The measurements of an actuator metric by statistic ({@code COUNT}, {@code TOTAL}, …); empty
   * when the orchestrator has no such metric.
   */
  java.util.Map<String, Double> metric(String name) throws Exception {
    HttpResponse<String> response =
        http.send(
            request("/actuator/metrics/" + name).build(), HttpResponse.BodyHandlers.ofString());
    java.util.Map<String, Double> values = new java.util.HashMap<>();
    if (response.statusCode() == 200) {
      for (tools.jackson.databind.JsonNode m : JSON.readTree(response.body()).get("measurements")) {
        values.put(m.get("statistic").asString(), m.get("value").asDouble());
      }
    }
    return values;
  }

  void awaitHealthy(Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("orchestrator exited; see orchestrator.log");
      }
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(base().resolve("/actuator/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException | RuntimeException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("orchestrator not healthy within " + timeout);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
