package io.baton.orchestrator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests against the whole orchestrator: a real embedded PostgreSQL in a fresh data
 * directory and the HTTP server on a free loopback port. Every subclass shares one Spring context
 * (and one database), so tests must not assume an empty database.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.nodes.timeout=3s",
      "baton.ingest.max-progress-points-per-job=500",
      "baton.scheduler.automatic=false",
      "baton.recovery.automatic=false",
      "baton.cluster.local.agents=false",
      "baton.webhooks.dispatch-interval=200ms",
      "baton.webhooks.send-interval=100ms",
      "baton.webhooks.backoff-base=100ms",
      "baton.webhooks.backoff-cap=400ms",
      "baton.webhooks.max-attempts=4",
      "baton.webhooks.connect-timeout=1s",
      "baton.webhooks.request-timeout=2s",
      // the receivers of the webhook tests listen on plain HTTP on 127.0.0.1
      "baton.webhooks.allow-http=true",
      "baton.webhooks.allowed-networks=127.0.0.0/8",
      "baton.webhooks.max-per-team=5",
      // Tests are a few identities sending far more than people would; limits have their own test.
      "baton.security.rate-limits.read-burst=100000",
      "baton.security.rate-limits.write-burst=100000",
      "baton.teams.overrides.secretive.redact-all-env=true",
      "baton.teams.overrides.urgent.priority-ceiling=500",
      "baton.security.token-cache-ttl=2s"
    })
public abstract class IntegrationTest {

  private static final Path DATA_DIR = createDataDir();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
  }

  /** The shared context's data directory. */
  public static Path dataDir() {
    return DATA_DIR;
  }

  /** The admin token, as an operator reads it from the data directory. */
  public static String adminToken() {
    return adminToken(DATA_DIR);
  }

  /** The admin token of an orchestrator started on {@code dataDir}. */
  public static String adminToken(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve("admin-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path createDataDir() {
    try {
      Path dir = Files.createTempDirectory("baton-it-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
