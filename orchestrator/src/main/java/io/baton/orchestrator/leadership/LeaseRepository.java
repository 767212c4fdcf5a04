package io.baton.orchestrator.leadership;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Leases in PostgreSQL. Every statement uses the database's clock ({@code now()}), so replicas
 * whose clocks disagree still agree on who holds a lease; each is one statement, so two replicas
 * racing for an expired lease cannot both win (the row lock orders them; the loser's {@code WHERE}
 * no longer matches).
 */
@Repository
public class LeaseRepository {

  private final JdbcClient jdbc;

  LeaseRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Makes sure the lease's row exists (the migration creates the default one). */
  void ensure(String name) {
    jdbc.sql("INSERT INTO leases (name) VALUES (:name) ON CONFLICT (name) DO NOTHING")
        .param("name", name)
        .update();
  }

  /**
   * Acquires or renews: succeeds when {@code holder} holds the lease or it has expired. The token
   * stays when the holder renews a live lease and is incremented on every other acquisition (a
   * holder that let its own lease lapse acquires anew: whatever it started before may have been
   * judged dead meanwhile).
   *
   * @return the fencing token when {@code holder} holds the lease now
   */
  public OptionalLong acquire(String name, String holder, Duration duration) {
    return jdbc.sql(
            """
            UPDATE leases
               SET token = CASE WHEN holder = :holder AND expires_at > now() THEN token
                                ELSE token + 1 END,
                   holder = :holder,
                   renewed_at = now(),
                   expires_at = now() + make_interval(secs => :seconds)
             WHERE name = :name AND (holder = :holder OR expires_at <= now())
            RETURNING token
            """)
        .param("name", name)
        .param("holder", holder)
        .param("seconds", duration.toMillis() / 1000.0)
        .query(Long.class)
        .optional()
        .map(OptionalLong::of)
        .orElse(OptionalLong.empty());
  }

  /**
   * Takes the lease whoever holds it, with a new token: for when another authority (a Kubernetes
   * Lease) elected {@code holder}; the previous holder's fenced writes are refused from now on.
   */
  public long seize(String name, String holder, Duration duration) {
    ensure(name);
    return jdbc.sql(
            """
            UPDATE leases
               SET token = token + 1, holder = :holder, renewed_at = now(),
                   expires_at = now() + make_interval(secs => :seconds)
             WHERE name = :name
            RETURNING token
            """)
        .param("name", name)
        .param("holder", holder)
        .param("seconds", duration.toMillis() / 1000.0)
        .query(Long.class)
        .single();
  }

  /** Extends acquisition {@code fence}; false when it no longer holds the lease. */
  public boolean renew(Fence fence, Duration duration) {
    return fence
            .bind(
                jdbc.sql(
                    """
                    UPDATE leases
                       SET renewed_at = now(), expires_at = now() + make_interval(secs => :seconds)
                     WHERE name = :fenceLease AND holder = :fenceHolder AND token = :fenceToken
                    """))
            .param("seconds", duration.toMillis() / 1000.0)
            .update()
        == 1;
  }

  /** Gives the lease up at once (a clean stop), so another replica need not wait for expiry. */
  public void release(Fence fence) {
    fence
        .bind(
            jdbc.sql(
                """
                UPDATE leases SET expires_at = now()
                 WHERE name = :fenceLease AND holder = :fenceHolder AND token = :fenceToken
                   AND expires_at > now()
                """))
        .update();
  }

  /** The lease as it stands. */
  public Optional<LeaseView> view(String name) {
    return jdbc.sql(
            "SELECT name, holder, token, renewed_at, expires_at FROM leases WHERE name = :name")
        .param("name", name)
        .query(
            (rs, n) ->
                new LeaseView(
                    rs.getString("name"),
                    rs.getString("holder"),
                    rs.getLong("token"),
                    instant(rs.getObject("renewed_at", OffsetDateTime.class)),
                    instant(rs.getObject("expires_at", OffsetDateTime.class))))
        .optional();
  }

  /** Whether {@code fence} holds its lease now, by the database's clock. */
  public boolean holds(Fence fence) {
    return fence.holds(jdbc);
  }

  private static Instant instant(OffsetDateTime time) {
    if (time == null
        || time.toInstant().equals(Instant.MIN)
        || time.getYear() <= -4000
        || time.getYear() >= 200_000) {
      return null;
    }
    return time.toInstant();
  }
}
