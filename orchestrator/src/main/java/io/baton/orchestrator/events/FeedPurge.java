package io.baton.orchestrator.events;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Purges the feed from its start, and remembers where the purged part ends: a reader positioned on
 * an event that is gone continues with the first one that is still there.
 */
@Repository
public class FeedPurge {

  private final JdbcClient jdbc;

  FeedPurge(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** An event's place in the feed and when it happened. */
  public record Aged(FeedPosition position, Instant at) {}

  /** The first {@code limit} events of the feed, of transactions no longer in flight. */
  public List<Aged> oldest(int limit) {
    return jdbc.sql(
            """
            SELECT txid::text AS position_txid, id, at FROM events
             WHERE events.txid < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY events.txid, events.id
             LIMIT :limit
            """)
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Aged(
                    new FeedPosition(
                        Long.parseLong(rs.getString("position_txid")), rs.getLong("id")),
                    rs.getObject("at", OffsetDateTime.class).toInstant()))
        .list();
  }

  /**
   * Deletes the feed up to and including {@code last} (which {@link #oldest} returned) and moves
   * the horizon there, in the caller's transaction.
   *
   * @return events deleted
   */
  public int purgeThrough(FeedPosition last) {
    Purged purged =
        jdbc.sql(
                """
                WITH gone AS (
                  DELETE FROM events
                   WHERE (txid, id) <= (CAST(CAST(:txid AS text) AS xid8), :id)
                  RETURNING id
                )
                SELECT count(*) AS n, COALESCE(max(id), 0) AS max_id FROM gone
                """)
            .param("txid", last.txid())
            .param("id", last.id())
            .query((rs, n) -> new Purged(rs.getInt("n"), rs.getLong("max_id")))
            .single();
    jdbc.sql(
            """
            UPDATE event_purge_horizon
               SET txid = GREATEST(txid, CAST(CAST(:txid AS text) AS xid8)),
                   id = CASE WHEN CAST(CAST(:txid AS text) AS xid8) > txid
                               OR CAST(CAST(:txid AS text) AS xid8) = txid AND :id > id
                             THEN :id ELSE id END,
                   max_id = GREATEST(max_id, :maxId)
            """)
        .param("txid", last.txid())
        .param("id", last.id())
        .param("maxId", purged.maxId())
        .update();
    return purged.count();
  }

  /**
   * Where a reader positioned on a purged event goes on from: the end of the purged part; empty
   * when no event with that id was ever purged.
   */
  public Optional<FeedPosition> purgedPosition(long eventId) {
    return jdbc.sql(
            """
            SELECT txid::text AS txid, id FROM event_purge_horizon
             WHERE :event <= max_id
               AND NOT EXISTS (SELECT 1 FROM events WHERE id = :event)
            """)
        .param("event", eventId)
        .query((rs, n) -> new FeedPosition(Long.parseLong(rs.getString("txid")), rs.getLong("id")))
        .optional();
  }

  private record Purged(int count, long maxId) {}
}
