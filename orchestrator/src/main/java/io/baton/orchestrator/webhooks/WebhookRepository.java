package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.events.FeedPosition;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Subscriptions and the dispatcher's place in the event feed. */
@Repository
class WebhookRepository {

  private static final String COLUMNS = "id, url, events, description, team, created_at";

  private final JdbcClient jdbc;

  WebhookRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Where a page of subscriptions ends. */
  record Position(Instant createdAt, UUID id) {}

  /** What the dispatcher needs of a subscription. */
  record Subscription(UUID id, List<String> events, CreationSnapshot created) {}

  /** A subscription's secret as stored: sealed (or, before V9's rows are sealed, marked plain). */
  record StoredSecret(UUID id, String value) {}

  /** An event a subscription may hear: the subscription has no team, or the event's team. */
  record Audience(long eventId, UUID webhookId) {}

  /**
   * Inserts a subscription with its sealed secret; it receives the events of transactions
   * unfinished at this moment.
   */
  void insert(Webhook webhook, String sealedSecret) {
    jdbc.sql(
            """
            INSERT INTO webhooks (id, url, events, description, team, secret, created_at)
            VALUES (:id, :url, :events, :description, :team, :secret, :createdAt)
            """)
        .param("id", webhook.id())
        .param("url", webhook.url())
        .param("events", webhook.events().toArray(String[]::new))
        .param("description", webhook.description())
        .param("team", webhook.team())
        .param("secret", sealedSecret)
        .param("createdAt", utc(webhook.createdAt()))
        .update();
  }

  /**
   * Serialises creations by one owner until the current transaction ends, then counts the owner's
   * subscriptions, so that two concurrent creations cannot both pass a cap.
   *
   * @param team the owning team, or null for subscriptions without one
   */
  int lockAndCountOwned(String team) {
    jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
        .param("key", "webhooks-owner|" + (team == null ? "" : "team:" + team))
        .query()
        .listOfRows();
    return jdbc.sql("SELECT count(*) FROM webhooks WHERE team IS NOT DISTINCT FROM :team")
        .param("team", team)
        .query(Integer.class)
        .single();
  }

  /** Which of these events each subscription may hear, by team; event types are not looked at. */
  List<Audience> audience(List<Long> eventIds) {
    if (eventIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            """
            SELECT e.id AS event_id, w.id AS webhook_id
              FROM events e JOIN webhooks w ON w.team IS NULL OR e.team = w.team
             WHERE e.id = ANY(:ids)
            """)
        .param("ids", eventIds.toArray(Long[]::new))
        .query(
            (rs, n) -> new Audience(rs.getLong("event_id"), rs.getObject("webhook_id", UUID.class)))
        .list();
  }

  List<StoredSecret> secrets() {
    return jdbc.sql("SELECT id, secret FROM webhooks")
        .query((rs, n) -> new StoredSecret(rs.getObject("id", UUID.class), rs.getString("secret")))
        .list();
  }

  /** Replaces a stored secret unless it changed meanwhile; false when it did. */
  boolean replaceSecret(UUID id, String old, String replacement) {
    return jdbc.sql("UPDATE webhooks SET secret = :replacement WHERE id = :id AND secret = :old")
            .param("id", id)
            .param("old", old)
            .param("replacement", replacement)
            .update()
        == 1;
  }

  Optional<Webhook> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM webhooks WHERE id = :id")
        .param("id", id)
        .query((rs, n) -> webhook(rs))
        .optional();
  }

  /** Oldest first, after {@code (createdAt, id)} when given. */
  /** Subscriptions of these teams (all when null), oldest first, after a position. */
  List<Webhook> page(Optional<Position> after, java.util.Set<String> teams, int limit) {
    String where =
        " WHERE (CAST(:teams AS text[]) IS NULL OR team = ANY (CAST(:teams AS text[])))"
            + (after.isPresent() ? " AND (created_at, id) > (:createdAt, :id)" : "");
    JdbcClient.StatementSpec query =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM webhooks"
                    + where
                    + " ORDER BY created_at, id LIMIT :limit")
            .param("teams", teams == null ? null : teams.toArray(String[]::new))
            .param("limit", limit);
    if (after.isPresent()) {
      query = query.param("createdAt", utc(after.get().createdAt())).param("id", after.get().id());
    }
    return query.query((rs, n) -> webhook(rs)).list();
  }

  /** Deletes the subscription and, with it, its deliveries; false when there was none. */
  boolean delete(UUID id) {
    return jdbc.sql("DELETE FROM webhooks WHERE id = :id").param("id", id).update() == 1;
  }

  List<Subscription> subscriptions() {
    return jdbc.sql("SELECT id, events, start_snapshot::text AS start_snapshot FROM webhooks")
        .query(
            (rs, n) ->
                new Subscription(
                    rs.getObject("id", UUID.class),
                    strings(rs.getArray("events")),
                    CreationSnapshot.parse(rs.getString("start_snapshot"))))
        .list();
  }

  /**
   * Locks the dispatcher's cursor for the current transaction and returns it; empty before the
   * first dispatch.
   */
  Optional<FeedPosition> lockCursor() {
    return jdbc.sql("SELECT txid, event_id FROM webhook_dispatch_cursor FOR UPDATE")
        .query(
            (rs, n) ->
                rs.getObject("txid") == null
                    ? Optional.<FeedPosition>empty()
                    : Optional.of(new FeedPosition(rs.getLong("txid"), rs.getLong("event_id"))))
        .single();
  }

  /**
   * Waits for a running dispatch to commit and keeps the next one waiting for the current
   * transaction: a subscription created meanwhile is seen by the next dispatch, never skipped by
   * one that jumped ahead while there was no subscription.
   */
  void holdCursor() {
    jdbc.sql("SELECT singleton FROM webhook_dispatch_cursor FOR SHARE").query().listOfRows();
  }

  void moveCursor(FeedPosition position) {
    jdbc.sql("UPDATE webhook_dispatch_cursor SET txid = :txid, event_id = :eventId")
        .param("txid", position.txid())
        .param("eventId", position.id())
        .update();
  }

  private static Webhook webhook(ResultSet rs) throws SQLException {
    return new Webhook(
        rs.getObject("id", UUID.class),
        rs.getString("url"),
        strings(rs.getArray("events")),
        rs.getString("description"),
        rs.getString("team"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }

  private static List<String> strings(Array array) throws SQLException {
    return List.copyOf(Arrays.asList((String[]) array.getArray()));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
