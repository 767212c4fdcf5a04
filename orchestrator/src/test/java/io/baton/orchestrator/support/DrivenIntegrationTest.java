package io.baton.orchestrator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of tests of the loops' own driving (rollouts resumed after a restart of their runner,
 * promotions and slow work holding no connection or loop): every loop runs by itself, fast, on a
 * real embedded PostgreSQL with simulated agents; serving replicas are a small stand-in ({@code
 * replica-stub.py}) whose replicas but the first are ready only once a test says so; hashing a file
 * a test holds blocks until it lets go ({@link SlowHashing}). Subclasses share one Spring context.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.local.agent-interval=300ms",
      "baton.nodes.timeout=3s",
      "baton.scheduler.tick-interval=300ms",
      "baton.recovery.reconcile-interval=200ms",
      "baton.promotion.reconcile-interval=100ms",
      "baton.endpoints.reconcile-interval=100ms",
      "baton.claims.timeout=5s",
      // more drivers than the pool has connections: PromotionConnectionsIT shows drives hold none
      "baton.loops.drivers=24",
      "baton.security.rate-limits.read-burst=100000",
      "baton.security.rate-limits.write-burst=100000"
    })
@Import(SlowHashing.class)
public abstract class DrivenIntegrationTest {

  private static final Path DATA_DIR = createDataDir();

  /** The stand-in replica: {@code LISTENING <port>}, {@code GET /healthz}. */
  public static final Path REPLICA_STUB =
      Path.of("src", "test", "resources", "replica-stub.py").toAbsolutePath();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
    registry.add("baton.endpoints.server-command", () -> "python3," + REPLICA_STUB);
  }

  @LocalServerPort protected int port;

  @Autowired protected org.springframework.jdbc.core.simple.JdbcClient jdbc;

  @Autowired protected SlowHashing.Gate hashing;

  protected Api api() {
    return new Api(port, IntegrationTest.adminToken(DATA_DIR));
  }

  /** A job that exists (it runs {@code true} and is done), for rows that must name one. */
  protected java.util.UUID finishedJob() {
    String id = api().submitJob(Specs.aSpec().with("command", java.util.List.of("true")).json());
    return java.util.UUID.fromString(id);
  }

  private static Path createDataDir() {
    try {
      Path dir = Files.createTempDirectory("baton-driven-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
