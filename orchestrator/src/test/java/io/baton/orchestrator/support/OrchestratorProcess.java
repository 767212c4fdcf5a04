package io.baton.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The orchestrator as a real child JVM, as {@code java -jar} would run it. */
public final class OrchestratorProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int port;
  private final Path dataDir;

  private OrchestratorProcess(Process process, Path log, int port, Path dataDir) {
    this.dataDir = dataDir;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts the orchestrator on {@code dataDir} and a free loopback port. */
  public static OrchestratorProcess start(Path dataDir, String name, String... extraArgs) {
    int port = freePort();
    Path log = dataDir.resolveSibling(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.baton.orchestrator.BatonApplication");
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--baton.data-dir=" + dataDir);
    command.add("--spring.main.banner-mode=off");
    command.addAll(List.of(extraArgs));
    try {
      Process process =
          new ProcessBuilder(command)
              // Outside the checkout, as an installed orchestrator would be: what it needs of the
              // installation (the demo's jar) it finds from its own code's location (LocalHome).
              .directory(dataDir.toAbsolutePath().getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new OrchestratorProcess(process, log, port, dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client that sends the admin token of this orchestrator's data directory. */
  public Api api() {
    return new Api(
        port,
        () -> {
          try {
            Path token = dataDir.resolve("admin-token");
            return Files.exists(token) ? Files.readString(token).trim() : null;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  public Process process() {
    return process;
  }

  /** Waits until {@code /actuator/health} says UP, or fails with the process's log. */
  public OrchestratorProcess awaitHealthy(Duration timeout) throws InterruptedException {
    Api api = api();
    Eventually.value(
        () -> {
          assertThat(process.isAlive()).as("orchestrator alive; log:%n%s", log()).isTrue();
          try {
            return api.get("/actuator/health").status() == 200;
          } catch (UncheckedIOException notYet) {
            return false; // not listening yet
          }
        },
        Boolean::booleanValue,
        timeout,
        Duration.ofMillis(200),
        no -> "not healthy within " + timeout + "; log:\n" + log());
    return this;
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .as("exited within %s; log:%n%s", timeout, log())
        .isTrue();
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs, as when a node dies. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
