package io.baton.orchestrator.webhooks;

import static io.baton.orchestrator.webhooks.WebhookRepository.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Deliveries: written by the dispatcher, claimed and settled by the senders of every replica.
 *
 * <p>A sender claims due rows in one short statement ({@code FOR UPDATE SKIP LOCKED}, so replicas
 * never claim the same row) and pushes their {@code next_attempt_at} out by a lease; it then sends
 * without holding a transaction open, and settles the row afterwards. A sender that dies leaves its
 * rows to be claimed again when the lease runs out: deliveries are at least once.
 */
@Repository
class DeliveryRepository {

  private final JdbcClient jdbc;
  private final JdbcTemplate jdbcTemplate;

  DeliveryRepository(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
    this.jdbc = jdbc;
    this.jdbcTemplate = jdbcTemplate;
  }

  /** A delivery to create: due at once. */
  record New(UUID id, UUID webhookId, long eventId, String eventType, String body) {}

  /** A delivery a sender holds, with what it needs to send it. */
  record Claimed(
      UUID id,
      UUID claim,
      UUID webhookId,
      String eventType,
      String body,
      int attempts,
      String url,
      String secret) {}

  /** Creates deliveries in the current transaction; one that already exists is left alone. */
  void insertAll(List<New> deliveries, Instant now) {
    if (deliveries.isEmpty()) {
      return;
    }
    OffsetDateTime at = utc(now);
    jdbcTemplate.batchUpdate(
        """
        INSERT INTO webhook_deliveries
            (id, webhook_id, event_id, event_type, body, state, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?)
        ON CONFLICT (webhook_id, event_id) DO NOTHING
        """,
        deliveries,
        deliveries.size(),
        (ps, d) -> {
          ps.setObject(1, d.id());
          ps.setObject(2, d.webhookId());
          ps.setLong(3, d.eventId());
          ps.setString(4, d.eventType());
          ps.setString(5, d.body());
          ps.setObject(6, at);
          ps.setObject(7, at);
        });
  }

  /** Claims up to {@code limit} due deliveries, oldest due first, until {@code leaseUntil}. */
  List<Claimed> claim(UUID claim, Instant now, Instant leaseUntil, int limit) {
    return jdbc.sql(
            """
            WITH due AS (
                SELECT id FROM webhook_deliveries
                 WHERE state = 'PENDING' AND next_attempt_at <= :now
                 ORDER BY next_attempt_at
                 LIMIT :limit
                   FOR UPDATE SKIP LOCKED)
            UPDATE webhook_deliveries d
               SET claim = :claim, next_attempt_at = :leaseUntil
              FROM due, webhooks w
             WHERE d.id = due.id AND w.id = d.webhook_id
            RETURNING d.id, d.webhook_id, d.event_type, d.body, d.attempts, w.url, w.secret
            """)
        .param("now", utc(now))
        .param("limit", limit)
        .param("claim", claim)
        .param("leaseUntil", utc(leaseUntil))
        .query(
            (rs, n) ->
                new Claimed(
                    rs.getObject("id", UUID.class),
                    claim,
                    rs.getObject("webhook_id", UUID.class),
                    rs.getString("event_type"),
                    rs.getString("body"),
                    rs.getInt("attempts"),
                    rs.getString("url"),
                    rs.getString("secret")))
        .list();
  }

  /** A 2xx answer: final, whoever holds the claim now. */
  void delivered(UUID id, int attempts, int status, Instant now) {
    jdbc.sql(
            """
            UPDATE webhook_deliveries
               SET state = 'DELIVERED', attempts = GREATEST(attempts, :attempts),
                   last_status = :status, last_error = NULL, last_attempt_at = :now,
                   delivered_at = :now, next_attempt_at = NULL, claim = NULL
             WHERE id = :id AND state = 'PENDING'
            """)
        .param("id", id)
        .param("attempts", attempts)
        .param("status", status)
        .param("now", utc(now))
        .update();
  }

  /**
   * A failed attempt, recorded by its outcome's slug only: retry at {@code retryAt}, or FAILED when
   * it is null. Ignored when another sender claimed the delivery since (this one's lease ran out)
   * or it was settled.
   */
  void failed(
      UUID id,
      UUID claim,
      int attempts,
      Integer status,
      AttemptOutcome outcome,
      Instant now,
      Instant retryAt) {
    jdbc.sql(
            """
            UPDATE webhook_deliveries
               SET state = :state, attempts = :attempts, last_status = :status,
                   last_error = :error, last_attempt_at = :now, next_attempt_at = :retryAt,
                   claim = NULL
             WHERE id = :id AND claim = :claim AND state = 'PENDING'
            """)
        .param("id", id)
        .param("claim", claim)
        .param("state", (retryAt == null ? DeliveryState.FAILED : DeliveryState.PENDING).name())
        .param("attempts", attempts)
        .param("status", status)
        .param("error", outcome.slug())
        .param("now", utc(now))
        .param("retryAt", utc(retryAt))
        .update();
  }

  /** A subscription's deliveries, newest event first, after event id {@code before} when given. */
  List<Delivery> page(UUID webhookId, DeliveryState state, OptionalLong before, int limit) {
    StringBuilder sql =
        new StringBuilder(
            """
            SELECT id, webhook_id, event_id, event_type, state, attempts, last_status, last_error,
                   last_attempt_at, next_attempt_at, delivered_at, created_at
              FROM webhook_deliveries WHERE webhook_id = :webhook
            """);
    if (state != null) {
      sql.append(" AND state = :state");
    }
    if (before.isPresent()) {
      sql.append(" AND event_id < :before");
    }
    sql.append(" ORDER BY event_id DESC LIMIT :limit");
    JdbcClient.StatementSpec query =
        jdbc.sql(sql.toString()).param("webhook", webhookId).param("limit", limit);
    if (state != null) {
      query = query.param("state", state.name());
    }
    if (before.isPresent()) {
      query = query.param("before", before.getAsLong());
    }
    return query.query((rs, n) -> delivery(rs)).list();
  }

  /** Forgets DELIVERED and FAILED deliveries created before {@code cutoff}; returns how many. */
  int purgeFinishedBefore(Instant cutoff) {
    return jdbc.sql(
            "DELETE FROM webhook_deliveries WHERE state <> 'PENDING' AND created_at < :cutoff")
        .param("cutoff", utc(cutoff))
        .update();
  }

  private static Delivery delivery(ResultSet rs) throws SQLException {
    return new Delivery(
        rs.getObject("id", UUID.class),
        rs.getObject("webhook_id", UUID.class),
        rs.getLong("event_id"),
        rs.getString("event_type"),
        DeliveryState.valueOf(rs.getString("state")),
        rs.getInt("attempts"),
        rs.getObject("last_status", Integer.class),
        rs.getString("last_error"),
        instant(rs, "last_attempt_at"),
        instant(rs, "next_attempt_at"),
        instant(rs, "delivered_at"),
        instant(rs, "created_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
