package io.baton.orchestrator.goodput;

import io.baton.orchestrator.goodput.Ledger.Attempt;
import io.baton.orchestrator.goodput.Ledger.Progress;
import io.baton.orchestrator.goodput.Ledger.Timeline;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the ledger reads: jobs' attempts ({@code job_attempts}, kept by a trigger on {@code jobs}),
 * their progress and hang restarts; and what it writes: finished jobs' sums per day.
 */
@Repository
class GoodputRepository {

  static final String FINISHED = "('SUCCEEDED', 'FAILED', 'CANCELLED')";

  private final JdbcClient jdbc;

  GoodputRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A job with its timeline, and where it counts. */
  record JobTimeline(UUID id, String pool, String team, Timeline timeline, List<Reached> reached) {}

  /** How far each attempt got, for people reading the ledger. */
  record Reached(int attempt, long step) {}

  /** The timelines of {@code ids} that exist, in the order of {@code ids}. */
  List<JobTimeline> timelines(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<UUID, Row> jobs = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT id, pool, team, state IN "
                + FINISHED
                + " AS finished, created_at, updated_at FROM jobs WHERE id IN (:ids)")
        .param("ids", ids)
        .query(
            rs -> {
              UUID id = rs.getObject("id", UUID.class);
              jobs.put(
                  id,
                  new Row(
                      rs.getString("pool"),
                      rs.getString("team"),
                      instant(rs, "created_at"),
                      rs.getBoolean("finished") ? instant(rs, "updated_at") : null));
            });
    Map<UUID, Map<Integer, Progress>> progress = progress(ids);
    Map<UUID, Map<Integer, Long>> reached = new HashMap<>();
    Map<UUID, List<Attempt>> attempts = new HashMap<>();
    jdbc.sql(
            """
            SELECT a.job_id, a.attempt, a.chips, a.admitted_at, a.released_at,
                   a.resumed_from_step, a.failed_at, a.cause,
                   (SELECT min(e.at) FROM events e
                     WHERE e.job_id = a.job_id AND e.type = 'job.restart'
                       AND e.reason LIKE 'HANG%'
                       AND e.at >= a.admitted_at
                       AND (a.released_at IS NULL OR e.at <= a.released_at)) AS hang_at
              FROM job_attempts a
             WHERE a.job_id IN (:ids)
             ORDER BY a.job_id, a.attempt
            """)
        .param("ids", ids)
        .query(
            rs -> {
              UUID job = rs.getObject("job_id", UUID.class);
              int number = rs.getInt("attempt");
              Instant hangAt = instant(rs, "hang_at");
              Instant failedAt = instant(rs, "failed_at");
              Progress p = progress.getOrDefault(job, Map.of()).get(number);
              attempts
                  .computeIfAbsent(job, k -> new ArrayList<>())
                  .add(
                      new Attempt(
                          number,
                          rs.getInt("chips"),
                          instant(rs, "admitted_at"),
                          instant(rs, "released_at"),
                          rs.getLong("resumed_from_step"),
                          p,
                          failedAt == null ? hangAt : failedAt,
                          hangAt != null || Ledger.isHang(rs.getString("cause"))));
              if (p != null) {
                reached.computeIfAbsent(job, k -> new HashMap<>()).put(number, p.lastStep());
              }
            });
    List<JobTimeline> out = new ArrayList<>();
    for (UUID id : ids) {
      Row row = jobs.get(id);
      if (row == null) {
        continue;
      }
      List<Attempt> list = attempts.getOrDefault(id, List.of());
      out.add(
          new JobTimeline(
              id,
              row.pool(),
              row.team(),
              new Timeline(row.createdAt(), row.endedAt(), list),
              list.stream()
                  .map(
                      a ->
                          new Reached(
                              a.number(),
                              reached.getOrDefault(id, Map.of()).getOrDefault(a.number(), 0L)))
                  .toList()));
    }
    return out;
  }

  private record Row(String pool, String team, Instant createdAt, Instant endedAt) {}

  /**
   * Per job and attempt: the first and last step's times, the furthest step, and when the attempt
   * caught up with the furthest step earlier attempts reached. Lines without an attempt belong to
   * the attempt admitted last before them.
   */
  private Map<UUID, Map<Integer, Progress>> progress(Collection<UUID> ids) {
    Map<UUID, Map<Integer, Progress>> out = new HashMap<>();
    jdbc.sql(
            """
            WITH p AS MATERIALIZED (
              SELECT p.job_id, p.step, p.at,
                     coalesce(p.attempt,
                              (SELECT max(a.attempt) FROM job_attempts a
                                WHERE a.job_id = p.job_id AND a.admitted_at <= p.at)) AS attempt
                FROM job_progress p
               WHERE p.job_id IN (:ids)
            ), per AS (
              SELECT job_id, attempt, min(at) AS first_at, max(step) AS last_step,
                     max(at) AS last_at
                FROM p WHERE attempt IS NOT NULL
               GROUP BY job_id, attempt
            ), prior AS (
              SELECT per.*,
                     coalesce(max(last_step) OVER (PARTITION BY job_id ORDER BY attempt
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prior_step
                FROM per
            )
            SELECT prior.job_id, prior.attempt, prior.first_at, prior.last_step, prior.last_at,
                   (SELECT min(p.at) FROM p
                     WHERE p.job_id = prior.job_id AND p.attempt = prior.attempt
                       AND p.step >= prior.prior_step) AS caught_up_at
              FROM prior
            """)
        .param("ids", ids)
        .query(
            rs -> {
              out.computeIfAbsent(rs.getObject("job_id", UUID.class), k -> new HashMap<>())
                  .put(
                      rs.getInt("attempt"),
                      new Progress(
                          instant(rs, "first_at"),
                          rs.getLong("last_step"),
                          instant(rs, "last_at"),
                          instant(rs, "caught_up_at")));
            });
    return out;
  }

  /**
   * Jobs not accounted yet that held chips (they have attempts) and may have spent time in [{@code
   * from}, {@code to}), filtered.
   *
   * @param teams the teams to cover; null for every team
   */
  List<UUID> unaccounted(Instant from, Instant to, String pool, String team, Set<String> teams) {
    if (teams != null && teams.isEmpty()) {
      return List.of();
    }
    StringBuilder sql = new StringBuilder("SELECT j.id FROM jobs j WHERE j.attempt > 0");
    Map<String, Object> params = window(sql, from, to, pool, team, teams);
    return jdbc.sql(sql.toString()).params(params).query(UUID.class).list();
  }

  /**
   * What jobs not accounted yet that never held chips (still queued, or ended before their first
   * admission) waited in [{@code from}, {@code to}), per pool, team and UTC day, filtered: the
   * ledger's {@code queued} job-seconds of a timeline without attempts (from submission to its end,
   * or {@code now}), summed in PostgreSQL. At 100,000 queued jobs that is one aggregate instead of
   * 100,000 timelines read and accounted one by one (over a second per dashboard overview).
   *
   * @param teams the teams to cover; null for every team
   */
  List<Sum> unaccountedWaiting(
      Instant from, Instant to, Instant now, String pool, String team, Set<String> teams) {
    if (teams != null && teams.isEmpty()) {
      return List.of();
    }
    StringBuilder waits =
        new StringBuilder(
            """
            SELECT j.pool, j.team,
                   greatest(j.created_at, :from) AT TIME ZONE 'UTC' AS s,
                   least(CASE WHEN j.state IN %s THEN j.updated_at ELSE :now END, :to)
                     AT TIME ZONE 'UTC' AS e
              FROM jobs j WHERE j.attempt = 0"""
                .formatted(FINISHED));
    Map<String, Object> params = window(waits, from, to, pool, team, teams);
    params.put("now", utc(now));
    String sql =
        """
        WITH w AS (%s)
        SELECT w.pool, w.team, d::date AS day,
               sum(extract(epoch FROM least(w.e, d + interval '1 day') - greatest(w.s, d))) AS amount
          FROM w CROSS JOIN LATERAL generate_series(date_trunc('day', w.s), w.e, interval '1 day') d
         WHERE w.e > w.s
         GROUP BY w.pool, w.team, d
        HAVING sum(extract(epoch FROM least(w.e, d + interval '1 day') - greatest(w.s, d))) > 0
        """
            .formatted(waits);
    return jdbc.sql(sql)
        .params(params)
        .query(
            (rs, n) ->
                new Sum(
                    rs.getString("pool"),
                    rs.getString("team"),
                    rs.getObject("day", LocalDate.class),
                    Ledger.Kind.QUEUED,
                    rs.getDouble("amount")))
        .list();
  }

  /** Appends the window and filters that {@link #unaccounted} and its waiting twin share. */
  private static Map<String, Object> window(
      StringBuilder sql, Instant from, Instant to, String pool, String team, Set<String> teams) {
    sql.append(
        """
         AND NOT EXISTS (SELECT 1 FROM goodput_jobs g WHERE g.job_id = j.id)
         AND j.created_at < :to
         AND (j.state NOT IN %s OR j.updated_at >= :from)
        """
            .formatted(FINISHED));
    Map<String, Object> params = new HashMap<>();
    params.put("from", utc(from));
    params.put("to", utc(to));
    filters(sql, params, "j.", pool, team, teams);
    return params;
  }

  /** Finished jobs not accounted yet, oldest first. */
  List<UUID> finishedUnaccounted(int limit) {
    return jdbc.sql(
            """
            SELECT j.id FROM jobs j
             WHERE j.state IN %s
               AND NOT EXISTS (SELECT 1 FROM goodput_jobs g WHERE g.job_id = j.id)
             ORDER BY j.updated_at, j.id
             LIMIT :limit
            """
                .formatted(FINISHED))
        .param("limit", limit)
        .query(UUID.class)
        .list();
  }

  /**
   * Claims a finished job for accounting; false when another replica already did.
   *
   * <p>The primary key decides: a concurrent claim waits for the first one's transaction and then
   * inserts nothing.
   */
  boolean claim(UUID job, String pool, String team, Instant now) {
    return jdbc.sql(
                """
                INSERT INTO goodput_jobs (job_id, pool, team, accounted_at)
                VALUES (:job, :pool, :team, :now)
                ON CONFLICT (job_id) DO NOTHING
                """)
            .param("job", job)
            .param("pool", pool)
            .param("team", team)
            .param("now", utc(now))
            .update()
        == 1;
  }

  /** One job's amount of one kind on one day. */
  record DayAmount(LocalDate day, Ledger.Kind kind, double amount) {}

  void record(UUID job, String pool, String team, List<DayAmount> amounts) {
    for (DayAmount a : amounts) {
      jdbc.sql(
              """
              INSERT INTO goodput_days (job_id, day, kind, pool, team, amount)
              VALUES (:job, :day, :kind, :pool, :team, :amount)
              """)
          .param("job", job)
          .param("day", a.day())
          .param("kind", a.kind().wire())
          .param("pool", pool)
          .param("team", team)
          .param("amount", a.amount())
          .update();
    }
  }

  /** Sums of accounted jobs per pool, team, kind, and day when {@code byDay}. */
  record Sum(String pool, String team, LocalDate day, Ledger.Kind kind, double amount) {}

  List<Sum> accounted(
      LocalDate from, LocalDate to, boolean byDay, String pool, String team, Set<String> teams) {
    if (teams != null && teams.isEmpty()) {
      return List.of();
    }
    String day = byDay ? "d.day" : "NULL::date";
    StringBuilder sql =
        new StringBuilder(
            "SELECT d.pool, d.team, "
                + day
                + " AS day, d.kind, sum(d.amount) AS amount FROM goodput_days d"
                + " WHERE d.day BETWEEN :from AND :to");
    Map<String, Object> params = new HashMap<>();
    params.put("from", from);
    params.put("to", to);
    filters(sql, params, "d.", pool, team, teams);
    sql.append(" GROUP BY d.pool, d.team, ").append(byDay ? "d.day, " : "").append("d.kind");
    return jdbc.sql(sql.toString())
        .params(params)
        .query(
            (rs, n) ->
                new Sum(
                    rs.getString("pool"),
                    rs.getString("team"),
                    rs.getObject("day", LocalDate.class),
                    Ledger.Kind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                    rs.getDouble("amount")))
        .list();
  }

  private static void filters(
      StringBuilder sql,
      Map<String, Object> params,
      String alias,
      String pool,
      String team,
      Set<String> teams) {
    if (pool != null) {
      sql.append(" AND ").append(alias).append("pool = :pool");
      params.put("pool", pool);
    }
    if (team != null) {
      sql.append(" AND ").append(alias).append("team = :team");
      params.put("team", team);
    }
    if (teams != null) {
      sql.append(" AND ").append(alias).append("team IN (:teams)");
      params.put("teams", teams);
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
