package io.baton.orchestrator.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from binaries on the classpath, with its data in {@code
 * <dataDir>/postgres} so that it survives restarts. Owns the data directory's lock for as long as
 * it runs.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final DataDirLock lock;
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(DataDirLock lock, EmbeddedPostgres postgres) {
    this.lock = lock;
    this.postgres = postgres;
  }

  /**
   * Locks the data directory, stops a server left running by a killed predecessor, and starts
   * PostgreSQL on it.
   *
   * @throws DataDirInUseException when another live orchestrator owns the directory
   */
  public static EmbeddedDatabase start(Path dataDir, int port, Duration startupTimeout) {
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      Path pgData = dataDir.resolve("postgres");
      stopOrphanedPostmaster(pgData);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(pgData)
              .setCleanDataDirectory(false)
              // Closed by the Spring context, after everything that uses it; the library's own
              // JVM hook would stop PostgreSQL while the context is still shutting down.
              .setRegisterShutdownHook(false)
              .setPGStartupWait(startupTimeout)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "200")
              // The library runs PostgreSQL with -F (fsync off) and synchronous_commit off, for
              // tests' speed; a power loss or OS crash could then lose or corrupt the database.
              // Jobs, checkpoints and promotions must be durable. Heartbeat batches opt out of
              // waiting for the flush per transaction (ingest), never out of the flush itself.
              .setServerConfig("fsync", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("synchronous_commit", "on");
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder.start();
      log.info("Embedded PostgreSQL serving {} on 127.0.0.1:{}", pgData, postgres.getPort());
      return new EmbeddedDatabase(lock, postgres);
    } catch (IOException | RuntimeException e) {
      lock.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dataDir, io);
      }
      throw (RuntimeException) e;
    }
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  public int port() {
    return postgres.getPort();
  }

  /**
   * A JVM killed with SIGKILL leaves its postmaster running and the data directory marked busy.
   * Holding the lock proves no orchestrator owns that server any more, so it is stopped (SIGINT,
   * PostgreSQL's fast shutdown) before the new one starts.
   */
  static void stopOrphanedPostmaster(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    Optional<ProcessHandle> postmaster =
        lines.isEmpty()
            ? Optional.empty()
            : parsePid(lines.get(0))
                .flatMap(ProcessHandle::of)
                .filter(EmbeddedDatabase::isPostgres);
    if (postmaster.isEmpty()) {
      return;
    }
    ProcessHandle handle = postmaster.get();
    log.warn(
        "Stopping PostgreSQL (pid {}) left running on {} by a previous run", handle.pid(), pgData);
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(handle.pid())).start().waitFor();
      handle.onExit().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while stopping orphaned PostgreSQL", e);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      handle.destroyForcibly();
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isPostgres(ProcessHandle handle) {
    return handle.info().command().map(c -> c.endsWith("postgres")).orElse(false);
  }

  @Override
  public void close() {
    try {
      postgres.close();
      log.info("Embedded PostgreSQL stopped");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.close();
    }
  }
}
