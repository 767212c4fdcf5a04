package io.baton.orchestrator.persistence;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Row-level claims: work one orchestrator does at a time (a step of a rollout or a promotion, a
 * task) is claimed by writing this process into the row's {@code claimed_by} with a {@code
 * claimed_until}, in one short statement. While the work runs, a keeper renews every held claim
 * (one short statement each, every third of {@code baton.claims.timeout}); closing the claim
 * releases it. No database connection is held in between — unlike a session advisory lock — and an
 * orchestrator that dies leaves claims that run out, so another one goes on after at most the
 * timeout.
 */
@Component
public class RowClaims implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RowClaims.class);

  /** The tables that carry {@code claimed_by}/{@code claimed_until}, keyed by {@code id}. */
  private static final Set<String> TABLES = Set.of("rollouts", "promotions", "tasks");

  private final JdbcClient jdbc;
  private final Instance instance;
  private final ClaimProperties properties;
  private final Clock clock;
  private final Map<Key, HeldClaim> held = new ConcurrentHashMap<>();
  private volatile ScheduledExecutorService keeper;

  RowClaims(JdbcClient jdbc, Instance instance, ClaimProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.instance = instance;
    this.properties = properties;
    this.clock = clock;
  }

  /** A held claim; closing it releases the row. */
  public interface Held extends AutoCloseable {
    /** False once a renewal found the claim taken by another orchestrator. */
    boolean valid();

    @Override
    void close();
  }

  private record Key(String table, UUID id) {}

  private final class HeldClaim implements Held {
    final Key key;
    volatile boolean valid = true;

    HeldClaim(Key key) {
      this.key = key;
    }

    @Override
    public boolean valid() {
      return valid;
    }

    @Override
    public void close() {
      held.remove(key, this);
      release(key);
    }
  }

  /**
   * Claims row {@code id} of {@code table} for this orchestrator unless another one holds an
   * unexpired claim on it.
   */
  public Optional<Held> tryClaim(String table, UUID id) {
    Key key = key(table, id);
    if (!write(key, false)) {
      return Optional.empty();
    }
    HeldClaim claim = new HeldClaim(key);
    held.put(key, claim);
    return Optional.of(claim);
  }

  /**
   * Writes the claim: takes it when free, ours or run out ({@code renew} false), or only extends
   * our own ({@code renew} true).
   */
  private boolean write(Key key, boolean renew) {
    Instant now = clock.instant();
    String taking =
        renew
            ? "claimed_by = :owner"
            : "(claimed_by IS NULL OR claimed_by = :owner OR claimed_until < :now)";
    return jdbc.sql(
                "UPDATE "
                    + key.table()
                    + " SET claimed_by = :owner, claimed_until = :until WHERE id = :id AND "
                    + taking)
            .param("owner", instance.id())
            .param("until", utc(now.plus(properties.timeout())))
            .param("now", utc(now))
            .param("id", key.id())
            .update()
        == 1;
  }

  private void release(Key key) {
    try {
      jdbc.sql(
              "UPDATE "
                  + key.table()
                  + " SET claimed_by = NULL, claimed_until = NULL"
                  + " WHERE id = :id AND claimed_by = :owner")
          .param("id", key.id())
          .param("owner", instance.id())
          .update();
    } catch (RuntimeException e) {
      // It runs out by itself.
      log.debug("Releasing the claim on {} {} failed: {}", key.table(), key.id(), e.toString());
    }
  }

  private void renewAll() {
    for (HeldClaim claim : held.values()) {
      try {
        if (!write(claim.key, true)) {
          claim.valid = false;
          held.remove(claim.key, claim);
          log.warn(
              "The claim on {} {} was taken by another orchestrator",
              claim.key.table(),
              claim.key.id());
        }
      } catch (RuntimeException e) {
        log.debug("Renewing the claim on {} failed: {}", claim.key, e.toString());
      }
    }
  }

  private static Key key(String table, UUID id) {
    if (!TABLES.contains(table)) {
      throw new IllegalArgumentException("no claims on table " + table);
    }
    return new Key(table, id);
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  @Override
  public void start() {
    keeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "baton-claims");
              thread.setDaemon(true);
              return thread;
            });
    long every = Math.max(100, properties.timeout().toMillis() / 3);
    keeper.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    keeper.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return keeper != null && !keeper.isShutdown();
  }

  /**
   * Stops after the loops that hold claims (they stop in the default phase) and before the pool.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1;
  }
}
