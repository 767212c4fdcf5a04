package io.baton.cli.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The orchestrator's jar as a child process on a fresh data directory and a free loopback port,
 * started once for all the tests of this module's JVM (and stopped when it ends). Its working
 * directory is the repository's root, so job specs find the demo trainer at {@code
 * $(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar}.
 */
public final class Orchestrator {

  public static final JsonMapper JSON = JsonMapper.builder().build();
  private static Orchestrator shared;

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private Orchestrator(Process process, Path dataDir, Path log, int port) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.port = port;
  }

  /** The repository's root (the parent of this module's directory). */
  public static Path root() {
    return Path.of("").toAbsolutePath().getParent();
  }

  public static synchronized Orchestrator shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  private static Orchestrator start() {
    Path jar = root().resolve("orchestrator/target/baton-orchestrator.jar");
    if (!Files.exists(jar) || !Files.exists(root().resolve("examples/target/baton-examples.jar"))) {
      throw new IllegalStateException(
          "build the orchestrator and examples first: mvn -pl cli -am verify (missing "
              + jar
              + ")");
    }
    try {
      Path base = Files.createTempDirectory(Path.of("target"), "orchestrator-").toAbsolutePath();
      Path dataDir = base.resolve("data");
      Path log = base.resolve("orchestrator.log");
      int port = freePort();
      Process process =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-Xmx512m",
                      "-XX:TieredStopAtLevel=1",
                      "-jar",
                      jar.toString(),
                      "--server.port=" + port,
                      "--server.address=127.0.0.1",
                      "--baton.data-dir=" + dataDir,
                      // ranks and replicas outlive a stopped orchestrator by default; tests leave
                      // nothing running
                      "--baton.cluster.local.stop-ranks-on-shutdown=true",
                      "--logging.level.root=WARN",
                      "--spring.main.banner-mode=off"))
              .directory(root().toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Orchestrator orchestrator = new Orchestrator(process, dataDir, log, port);
      await("orchestrator healthy")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(300))
          .until(orchestrator::healthy);
      return orchestrator;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean healthy() {
    if (!process.isAlive()) {
      throw new IllegalStateException("orchestrator exited:\n" + log());
    }
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(url() + "/actuator/health")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String adminToken() {
    try {
      return Files.readString(dataDir.resolve("admin-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** GET as the admin; the body as JSON. */
  public JsonNode get(String path) {
    return JSON.readTree(send(HttpRequest.newBuilder(URI.create(url() + path)).GET()));
  }

  /** POST JSON as the admin; the body as JSON. */
  public JsonNode post(String path, String json) {
    return JSON.readTree(
        send(
            HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))));
  }

  public void delete(String path) {
    send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE());
  }

  private String send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(
              request.header("Authorization", "Bearer " + adminToken()).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(response.statusCode() + " " + response.body());
      }
      return response.body().isEmpty() ? "{}" : response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
