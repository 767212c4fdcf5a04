package io.baton.orchestrator.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The append-only event table: written inside the caller's transaction, read as a feed. */
@Repository
public class EventLog {

  /**
   * The transaction position leaves as text (JDBC has no xid8) under its own name: an output column
   * named {@code txid} would be what {@code ORDER BY txid} sorts, as text, where "999999" comes
   * after "1000000" and no index serves the order.
   */
  private static final String COLUMNS =
      "id, txid::text AS position_txid, type, subject, job_id, from_state, to_state, reason,"
          + " actor, at, team";

  /** The event's team: given, else its job's, else its endpoint's. */
  private static final String TEAM =
      """
       COALESCE(CAST(:team AS text),
                (SELECT team FROM jobs WHERE id = :jobId),
                (SELECT team FROM endpoints WHERE name = split_part(:subject, '/', 2)
                                              AND :subject LIKE 'endpoint/%'))""";

  private final JdbcClient jdbc;
  private final JdbcTemplate jdbcTemplate;

  public EventLog(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
    this.jdbc = jdbc;
    this.jdbcTemplate = jdbcTemplate;
  }

  /** Records an event in the current transaction and returns its id. */
  public long append(Event.New event) {
    return jdbc.sql(
            """
            INSERT INTO events (type, subject, job_id, from_state, to_state, reason, actor, at, team)
            VALUES (:type, :subject, :jobId, :from, :to, :reason, :actor, :at,"""
                + TEAM
                + """
            ) RETURNING id
            """)
        .param("team", event.team())
        .param("type", event.type())
        .param("subject", event.subject())
        .param("jobId", event.jobId())
        .param("from", event.from())
        .param("to", event.to())
        .param("reason", event.reason())
        .param("actor", event.actor())
        .param("at", OffsetDateTime.ofInstant(event.time(), java.time.ZoneOffset.UTC))
        .query(Long.class)
        .single();
  }

  /** Records many events in the current transaction, in order. */
  public void appendAll(List<Event.New> batch) {
    if (batch.isEmpty()) {
      return;
    }
    jdbcTemplate.batchUpdate(
        """
        INSERT INTO events (type, subject, job_id, from_state, to_state, reason, actor, at, team)
        SELECT ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(CAST(? AS text),
               (SELECT team FROM jobs WHERE id = CAST(? AS uuid)),
               (SELECT team FROM endpoints WHERE name = split_part(CAST(? AS text), '/', 2)
                                             AND CAST(? AS text) LIKE 'endpoint/%'))
        """,
        batch,
        batch.size(),
        (ps, e) -> {
          ps.setString(1, e.type());
          ps.setString(2, e.subject());
          ps.setObject(3, e.jobId());
          ps.setString(4, e.from());
          ps.setString(5, e.to());
          ps.setString(6, e.reason());
          ps.setString(7, e.actor());
          ps.setObject(8, OffsetDateTime.ofInstant(e.time(), java.time.ZoneOffset.UTC));
          ps.setString(9, e.team());
          ps.setObject(10, e.jobId());
          ps.setString(11, e.subject());
          ps.setString(12, e.subject());
        });
  }

  /** A job's events in order, after the given event id. */
  public List<Event> forJob(UUID jobId, long afterId, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM events WHERE job_id = :job AND id > :after ORDER BY id LIMIT :limit")
        .param("job", jobId)
        .param("after", afterId)
        .param("limit", limit)
        .query((rs, n) -> event(rs))
        .list();
  }

  /** Events after a position, in feed order, only from transactions no longer in flight. */
  public List<Positioned> feed(FeedPosition after, int limit) {
    return feed(after, limit, EventAudience.EVERYTHING);
  }

  /** The part of the feed {@code audience} may see (see {@link EventAudience}). */
  public List<Positioned> feed(FeedPosition after, int limit, EventAudience audience) {
    String visible =
        audience.everything()
            ? ""
            : """
               AND (team = ANY (CAST(:teams AS text[]))
                    OR team IS NULL AND (type LIKE 'node.%' OR type LIKE 'chip.%'))
              """;
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + """
                 FROM events
                WHERE (txid, id) > (CAST(CAST(:txid AS text) AS xid8), :id)
                  AND txid < pg_snapshot_xmin(pg_current_snapshot())
                """
                + visible
                + """
                ORDER BY events.txid, events.id
                LIMIT :limit
                """)
        .param("teams", audience.everything() ? null : audience.teams().toArray(String[]::new))
        .param("txid", after.txid())
        .param("id", after.id())
        .param("limit", limit)
        .query((rs, n) -> new Positioned(position(rs), event(rs)))
        .list();
  }

  /**
   * The audit trail: events after id {@code after} in id order, optionally of one actor ({@code
   * token:<id>} matches that token whatever its name) and of one type ({@code token.*} matches a
   * prefix).
   */
  public List<Event> audit(String actor, String type, long after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM events WHERE id > :after");
    if (actor != null) {
      sql.append(" AND (actor = :actor OR starts_with(actor, :actorPrefix))");
    }
    if (type != null) {
      sql.append(type.endsWith(".*") ? " AND starts_with(type, :type)" : " AND type = :type");
    }
    sql.append(" ORDER BY id LIMIT :limit");
    var statement = jdbc.sql(sql.toString()).param("after", after).param("limit", limit);
    if (actor != null) {
      statement = statement.param("actor", actor).param("actorPrefix", actor + ":");
    }
    if (type != null) {
      statement =
          statement.param(
              "type", type.endsWith(".*") ? type.substring(0, type.length() - 1) : type);
    }
    return statement.query((rs, n) -> event(rs)).list();
  }

  /** Where the event with this id stands in the feed. */
  Optional<FeedPosition> positionOf(long eventId) {
    return jdbc.sql("SELECT id, txid::text AS position_txid FROM events WHERE id = :id")
        .param("id", eventId)
        .query((rs, n) -> position(rs))
        .optional();
  }

  /**
   * The newest position a reader can see now: one step backwards along {@code events_by_position}
   * (xid8 order), whatever the size of the table.
   */
  public FeedPosition head() {
    return jdbc.sql(HEAD).query((rs, n) -> position(rs)).optional().orElse(FeedPosition.START);
  }

  /** The query of {@link #head()}, for a test to explain. */
  static final String HEAD =
      """
      SELECT id, txid::text AS position_txid FROM events
       WHERE events.txid < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY events.txid DESC, events.id DESC LIMIT 1
      """;

  private static FeedPosition position(ResultSet rs) throws SQLException {
    return new FeedPosition(Long.parseLong(rs.getString("position_txid")), rs.getLong("id"));
  }

  /** An event read from a row of {@code events} (its columns by name); other readers use it too. */
  public static Event event(ResultSet rs) throws SQLException {
    return new Event(
        rs.getLong("id"),
        rs.getString("type"),
        rs.getString("subject"),
        rs.getObject("job_id", UUID.class),
        rs.getString("from_state"),
        rs.getString("to_state"),
        rs.getString("reason"),
        rs.getString("actor"),
        rs.getObject("at", OffsetDateTime.class).toInstant(),
        rs.getString("team"));
  }

  /** An event with its feed position. */
  public record Positioned(FeedPosition position, Event event) {}
}
