package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Finished jobs as retention sees them, and their deletion with everything that hangs off them:
 * progress, checkpoint records, allocations (by cascade) and ended promotions. Their events stay
 * for the feed's own retention.
 */
@Repository
public class FinishedJobs {

  private static final String FINISHED = "('SUCCEEDED', 'FAILED', 'CANCELLED')";
  private static final String ENDED_PROMOTION = "('ACTIVE', 'REJECTED', 'ROLLED_BACK')";
  private static final String SERVED =
      """
      (EXISTS (SELECT 1 FROM endpoint_revisions r WHERE r.job_id = j.id)
       OR EXISTS (SELECT 1 FROM checkpoints c
                   WHERE c.job_id = j.id
                     AND (c.promoted
                          OR EXISTS (SELECT 1 FROM endpoint_revisions r
                                      WHERE r.checkpoint_id = c.id))))""";
  private static final String PROMOTION_IN_FLIGHT =
      "EXISTS (SELECT 1 FROM promotions p WHERE p.job_id = j.id AND p.state NOT IN "
          + ENDED_PROMOTION
          + ")";

  private final JdbcClient jdbc;

  FinishedJobs(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * A finished job and what may still need it.
   *
   * @param updatedAt when the job last changed (its place in the scan)
   * @param lastActivity when it or one of its promotions last changed
   */
  public record Candidate(
      UUID id,
      JobState state,
      Instant updatedAt,
      Instant lastActivity,
      boolean servedByRevision,
      boolean promotionInFlight) {}

  /**
   * Finished jobs last changed before {@code cutoff}, oldest first, after {@code after} (null: from
   * the oldest).
   */
  public List<Candidate> finishedBefore(Instant cutoff, Candidate after, int limit) {
    return jdbc.sql(
            "SELECT j.id, j.state, j.updated_at,"
                + " GREATEST(j.updated_at, (SELECT max(COALESCE(p.ended_at, p.updated_at))"
                + " FROM promotions p WHERE p.job_id = j.id)) AS last_activity, "
                + SERVED
                + " AS served, "
                + PROMOTION_IN_FLIGHT
                + " AS in_flight FROM jobs j WHERE j.state IN "
                + FINISHED
                + """
                   AND j.updated_at < :cutoff
                   AND (CAST(:afterTime AS timestamptz) IS NULL
                        OR (j.updated_at, j.id) > (CAST(:afterTime AS timestamptz), :afterId))
                 ORDER BY j.updated_at, j.id
                 LIMIT :limit
                """)
        .param("cutoff", utc(cutoff))
        .param("afterTime", after == null ? null : utc(after.updatedAt()))
        .param("afterId", after == null ? new UUID(0, 0) : after.id())
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Candidate(
                    rs.getObject("id", UUID.class),
                    JobState.valueOf(rs.getString("state")),
                    rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                    rs.getObject("last_activity", OffsetDateTime.class).toInstant(),
                    rs.getBoolean("served"),
                    rs.getBoolean("in_flight")))
        .list();
  }

  /**
   * Deletes these jobs, in the caller's transaction, skipping any that is no longer finished or has
   * come to be needed since it was read.
   *
   * @param dependents deletes, in the same transaction and before the jobs, the rows of other
   *     features that refer to the jobs about to go (locked, so none comes to be needed meanwhile)
   * @return jobs deleted
   */
  public int delete(List<UUID> ids, java.util.function.Consumer<List<UUID>> dependents) {
    if (ids.isEmpty()) {
      return 0;
    }
    List<UUID> doomed =
        jdbc.sql(
                "SELECT j.id FROM jobs j WHERE j.id = ANY(:ids) AND j.state IN "
                    + FINISHED
                    + " AND NOT "
                    + SERVED
                    + " AND NOT "
                    + PROMOTION_IN_FLIGHT
                    + " ORDER BY j.id FOR UPDATE OF j")
            .param("ids", ids.toArray(UUID[]::new))
            .query(UUID.class)
            .list();
    if (doomed.isEmpty()) {
      return 0;
    }
    dependents.accept(doomed);
    UUID[] array = doomed.toArray(UUID[]::new);
    return jdbc.sql("DELETE FROM jobs WHERE id = ANY(:ids)").param("ids", array).update();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
