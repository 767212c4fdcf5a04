package io.baton.orchestrator.jobs;

import io.baton.orchestrator.leadership.Fence;
import io.baton.orchestrator.leadership.Fences;
import io.baton.orchestrator.leadership.LeaseLost;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Jobs in PostgreSQL. Only {@link JobLifecycle} writes through it. */
@Repository
class JobRepository {

  private static final String COLUMNS =
      "id, spec::text AS spec, state, reason, restarts, attempt, version, created_at, updated_at,"
          + " progress::text AS progress, latest_checkpoint::text AS latest_checkpoint,"
          + " placement::text AS placement, pending_reason, infra_restarts, steps_lost,"
          + " resume_from, recovery_ready";

  private final JdbcClient jdbc;
  private final org.springframework.jdbc.core.JdbcTemplate jdbcTemplate;
  private final JsonMapper json;

  JobRepository(
      JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate jdbcTemplate, JsonMapper json) {
    this.jdbc = jdbc;
    this.jdbcTemplate = jdbcTemplate;
    this.json = json;
  }

  void insert(Job job) {
    jdbc.sql(
            """
            INSERT INTO jobs (id, name, team, pool, priority, spec, state, reason, restarts,
                              attempt, version, created_at, updated_at, queued_at)
            VALUES (:id, :name, :team, :pool, :priority, CAST(:spec AS jsonb), :state, :reason,
                    :restarts, :attempt, :version, :createdAt, :updatedAt, :createdAt)
            """)
        .param("id", job.id())
        .param("name", job.spec().name())
        .param("team", job.spec().team())
        .param("pool", job.spec().pool())
        .param("priority", job.spec().priority())
        .param("spec", json.writeValueAsString(job.spec()))
        .param("state", job.state().name())
        .param("reason", job.reason())
        .param("restarts", job.restarts())
        .param("attempt", job.attempt())
        .param("version", job.version())
        .param("createdAt", utc(job.createdAt()))
        .param("updatedAt", utc(job.updatedAt()))
        .update();
  }

  Optional<Job> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE id = :id")
        .param("id", id)
        .query((rs, n) -> job(rs))
        .optional();
  }

  /**
   * Replaces the stored job with {@code job} if it is still at {@code expectedVersion} and, when an
   * owned loop makes the change, its replica still holds the lease ({@link Fences}).
   *
   * @throws LeaseLost when the fence refused the change
   */
  boolean compareAndSet(Job job, long expectedVersion) {
    Optional<Fence> fence = Fences.current();
    JdbcClient.StatementSpec update =
        jdbc.sql(
                """
                UPDATE jobs SET state = :state, reason = :reason, restarts = :restarts,
                                attempt = :attempt, version = :version, updated_at = :updatedAt,
                                placement = CAST(:placement AS jsonb),
                                infra_restarts = :infraRestarts, steps_lost = :stepsLost,
                                resume_from = :resumeFrom, recovery_ready = :ready,
                                queued_at = CASE WHEN :ready AND NOT recovery_ready THEN :updatedAt
                                                 ELSE queued_at END
                 WHERE id = :id AND version = :expected
                """
                    + fence.map(f -> " AND " + Fence.CONDITION).orElse(""))
            .param("state", job.state().name())
            .param("reason", job.reason())
            .param("restarts", job.restarts())
            .param("attempt", job.attempt())
            .param("version", job.version())
            .param("updatedAt", utc(job.updatedAt()))
            .param("placement", json.writeValueAsString(job.placement()))
            .param("infraRestarts", job.recovery().infraRestarts())
            .param("stepsLost", job.recovery().stepsLost())
            .param("resumeFrom", job.recovery().resumeFrom())
            .param("ready", job.recovery().ready())
            .param("id", job.id())
            .param("expected", expectedVersion);
    if (fence.isEmpty()) {
      return update.update() == 1;
    }
    if (fence.get().bind(update).update() == 1) {
      return true;
    }
    fence.get().verify(jdbc);
    return false;
  }

  /**
   * Admits many waiting jobs at once: each moves to ADMITTED with its placement if it is still at
   * the expected version and in a state that may move there.
   *
   * @return for each admitted job: id, previous state, new attempt
   */
  List<Admitted> admitAll(
      List<JobLifecycle.Admission> admissions, List<String> fromStates, java.time.Instant now) {
    int n = admissions.size();
    Object[] ids = new Object[n];
    Object[] versions = new Object[n];
    Object[] placements = new Object[n];
    Object[] reasons = new Object[n];
    for (int i = 0; i < n; i++) {
      JobLifecycle.Admission a = admissions.get(i);
      ids[i] = a.id();
      versions[i] = a.expectedVersion();
      placements[i] = json.writeValueAsString(a.placement());
      reasons[i] = a.reason();
    }
    return jdbcTemplate.query(
        con -> {
          var ps =
              con.prepareStatement(
                  """
                  WITH v AS (
                    SELECT * FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::text[])
                      AS v(id, version, placement, reason)
                  ), old AS (
                    SELECT j.id, j.state FROM jobs j JOIN v ON v.id = j.id
                     WHERE j.version = v.version AND j.state = ANY(?::text[])
                     ORDER BY j.id
                       FOR UPDATE OF j
                  )
                  UPDATE jobs j
                     SET state = 'ADMITTED', reason = v.reason, attempt = j.attempt + 1,
                         version = j.version + 1, placement = v.placement::jsonb,
                         pending_reason = NULL, recovery_ready = false, updated_at = ?
                    FROM v JOIN old ON old.id = v.id
                   WHERE j.id = v.id
                  RETURNING j.id, old.state, j.attempt
                  """);
          ps.setArray(1, con.createArrayOf("uuid", ids));
          ps.setArray(2, con.createArrayOf("bigint", versions));
          ps.setArray(3, con.createArrayOf("text", placements));
          ps.setArray(4, con.createArrayOf("text", reasons));
          ps.setArray(5, con.createArrayOf("text", fromStates.toArray()));
          ps.setObject(6, utc(now));
          return ps;
        },
        (rs, i) ->
            new Admitted(
                rs.getObject(1, UUID.class), JobState.valueOf(rs.getString(2)), rs.getInt(3)));
  }

  /** A job admitted by {@link #admitAll}. */
  record Admitted(UUID id, JobState from, int attempt) {}

  /** Newest first, after the given position (exclusive), filtered. */
  List<Job> page(JobQuery query, Optional<JobQuery.Position> after, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE true");
    var statement = new java.util.LinkedHashMap<String, Object>();
    if (query.state() != null) {
      sql.append(" AND state = :state");
      statement.put("state", query.state().name());
    }
    if (query.team() != null) {
      sql.append(" AND team = :team");
      statement.put("team", query.team());
    }
    if (query.pool() != null) {
      sql.append(" AND pool = :pool");
      statement.put("pool", query.pool());
    }
    if (query.visibleTeams() != null) {
      sql.append(" AND team = ANY (CAST(:teams AS text[]))");
      statement.put("teams", query.visibleTeams().toArray(String[]::new));
    }
    after.ifPresent(
        p -> {
          sql.append(" AND (created_at, id) < (:afterCreated, :afterId)");
          statement.put("afterCreated", utc(p.createdAt()));
          statement.put("afterId", p.id());
        });
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    statement.put("limit", limit);
    return jdbc.sql(sql.toString()).params(statement).query((rs, n) -> job(rs)).list();
  }

  Map<JobState, Long> countByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      counts.put(state, 0L);
    }
    jdbc.sql("SELECT state, count(*) FROM jobs GROUP BY state")
        .query(
            rs -> {
              counts.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
            });
    return counts;
  }

  private Job job(ResultSet rs) throws SQLException {
    return new Job(
        rs.getObject("id", UUID.class),
        json.readValue(rs.getString("spec"), JobSpec.class),
        JobState.valueOf(rs.getString("state")),
        rs.getString("reason"),
        rs.getInt("restarts"),
        rs.getInt("attempt"),
        rs.getLong("version"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
        read(rs.getString("progress"), Job.ProgressSummary.class),
        read(rs.getString("latest_checkpoint"), Job.CheckpointRef.class),
        List.of(json.readValue(rs.getString("placement"), Job.Placement[].class)),
        rs.getString("pending_reason"),
        new Job.Recovery(
            rs.getInt("infra_restarts"),
            rs.getLong("steps_lost"),
            rs.getString("resume_from"),
            rs.getBoolean("recovery_ready")));
  }

  private <T> T read(String json, Class<T> type) {
    return json == null ? null : this.json.readValue(json, type);
  }

  /** The job's progress series in step order. */
  List<ProgressPoint> progress(UUID jobId) {
    return jdbc.sql(
            """
            SELECT step, total_steps, loss, samples_per_sec, step_ms, compute_ms, rank, attempt,
                   node, at, data -> 'metrics' AS metrics
              FROM job_progress WHERE job_id = :job ORDER BY step, seq
            """)
        .param("job", jobId)
        .query(
            (rs, n) ->
                new ProgressPoint(
                    rs.getLong("step"),
                    (Long) rs.getObject("total_steps"),
                    (Double) rs.getObject("loss"),
                    (Double) rs.getObject("samples_per_sec"),
                    (Double) rs.getObject("step_ms"),
                    (Double) rs.getObject("compute_ms"),
                    rs.getObject("at", OffsetDateTime.class).toInstant(),
                    rs.getInt("rank"),
                    (Integer) rs.getObject("attempt"),
                    rs.getString("node"),
                    read(rs.getString("metrics"), tools.jackson.databind.JsonNode.class)))
        .list();
  }

  /** The attempt's newest steps, newest first: each with its newest read time and median stepMs. */
  List<Liveness.StepSample> recentSteps(UUID jobId, int attempt, int limit) {
    return jdbc.sql(
            """
            SELECT step, max(at) AS at,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY step_ms) AS step_ms
              FROM job_progress
             WHERE job_id = :job AND coalesce(attempt, 0) = :attempt
             GROUP BY step ORDER BY step DESC LIMIT :limit
            """)
        .param("job", jobId)
        .param("attempt", attempt)
        .param("limit", limit)
        .query(
            (rs, n) ->
                new Liveness.StepSample(
                    rs.getLong("step"),
                    rs.getObject("at", OffsetDateTime.class).toInstant(),
                    (Double) rs.getObject("step_ms")))
        .list();
  }

  /** The newest step each rank reported in the attempt, and when it was read. */
  List<Liveness.RankStep> lastSteps(UUID jobId, int attempt) {
    return jdbc.sql(
            """
            SELECT rank, max(step) AS step, max(at) AS at
              FROM job_progress
             WHERE job_id = :job AND coalesce(attempt, 0) = :attempt
             GROUP BY rank ORDER BY rank
            """)
        .param("job", jobId)
        .param("attempt", attempt)
        .query(
            (rs, n) ->
                new Liveness.RankStep(
                    rs.getInt("rank"),
                    rs.getLong("step"),
                    rs.getObject("at", OffsetDateTime.class).toInstant()))
        .list();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
