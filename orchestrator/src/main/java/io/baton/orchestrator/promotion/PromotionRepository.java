package io.baton.orchestrator.promotion;

import io.baton.orchestrator.jobs.JobSpec;
import io.baton.orchestrator.leadership.Fence;
import io.baton.orchestrator.leadership.Fences;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The {@code promotions} table. */
@Repository
class PromotionRepository {

  private static final TypeReference<List<Gate>> GATES = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json;

  PromotionRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Inserts a new promotion; false when a job-started one exists for the job already. */
  boolean insert(Promotion p) {
    return jdbc.sql(
                """
                INSERT INTO promotions (id, job_id, checkpoint_id, endpoint, state, trigger, policy,
                                        gates, reason, actor, version, created_at, updated_at)
                VALUES (:id, :job, :checkpoint, :endpoint, :state, :trigger, CAST(:policy AS jsonb),
                        CAST(:gates AS jsonb), :reason, :actor, 0, :now, :now)
                ON CONFLICT DO NOTHING
                """)
            .param("id", p.id())
            .param("job", p.jobId())
            .param("checkpoint", p.checkpointId())
            .param("endpoint", p.endpoint())
            .param("state", p.state().name())
            .param("trigger", p.trigger().value())
            .param("policy", json.writeValueAsString(p.policy()))
            .param("gates", json.writeValueAsString(p.gates()))
            .param("reason", p.reason())
            .param("actor", p.actor())
            .param("now", utc(p.createdAt()))
            .update()
        == 1;
  }

  /**
   * Writes {@code next} if the stored version is still {@code next.version()} and, when the owned
   * promotion loop writes, its replica still holds the lease ({@link Fences}); bumps the version.
   *
   * @throws io.baton.orchestrator.leadership.LeaseLost when the fence refused the write
   */
  boolean update(Promotion next) {
    Optional<Fence> fence = Fences.current();
    JdbcClient.StatementSpec update =
        jdbc.sql(
                """
                UPDATE promotions
                   SET checkpoint_id = :checkpoint, state = :state, gates = CAST(:gates AS jsonb),
                       revision = :revision, rollout_id = :rollout, artifact = :artifact,
                       reason = :reason, version = version + 1, updated_at = :updated,
                       ended_at = :ended
                 WHERE id = :id AND version = :version
                """
                    + fence.map(f -> " AND " + Fence.CONDITION).orElse(""))
            .param("checkpoint", next.checkpointId())
            .param("state", next.state().name())
            .param("gates", json.writeValueAsString(next.gates()))
            .param("revision", next.revision())
            .param("rollout", next.rolloutId())
            .param("artifact", next.artifact())
            .param("reason", next.reason())
            .param("updated", utc(next.updatedAt()))
            .param("ended", next.endedAt() == null ? null : utc(next.endedAt()))
            .param("id", next.id())
            .param("version", next.version());
    if (fence.isEmpty()) {
      return update.update() == 1;
    }
    if (fence.get().bind(update).update() == 1) {
      return true;
    }
    fence.get().verify(jdbc);
    return false;
  }

  Optional<Promotion> find(UUID id) {
    return jdbc.sql("SELECT * FROM promotions WHERE id = :id")
        .param("id", id)
        .query(this::row)
        .optional();
  }

  /** Unfinished promotions, oldest first. */
  List<Promotion> inFlight() {
    return jdbc.sql(
            "SELECT * FROM promotions WHERE state NOT IN ('ACTIVE', 'REJECTED', 'ROLLED_BACK')"
                + " ORDER BY created_at")
        .query(this::row)
        .list();
  }

  /** Newest first, filtered, after a (createdAt, id) cursor. */
  List<Promotion> list(
      UUID jobId,
      String endpoint,
      String state,
      java.util.Set<String> teams,
      Instant afterTime,
      UUID afterId,
      int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM promotions WHERE true");
    if (teams != null) {
      sql.append(" AND job_id IN (SELECT id FROM jobs WHERE team = ANY (CAST(:teams AS text[])))");
    }
    if (jobId != null) {
      sql.append(" AND job_id = :job");
    }
    if (endpoint != null) {
      sql.append(" AND endpoint = :endpoint");
    }
    if (state != null) {
      sql.append(" AND state = :state");
    }
    if (afterTime != null) {
      sql.append(" AND (created_at, id) < (:afterTime, :afterId)");
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    JdbcClient.StatementSpec spec = jdbc.sql(sql.toString()).param("limit", limit);
    if (teams != null) {
      spec = spec.param("teams", teams.toArray(String[]::new));
    }
    if (jobId != null) {
      spec = spec.param("job", jobId);
    }
    if (endpoint != null) {
      spec = spec.param("endpoint", endpoint);
    }
    if (state != null) {
      spec = spec.param("state", state);
    }
    if (afterTime != null) {
      spec = spec.param("afterTime", utc(afterTime)).param("afterId", afterId);
    }
    return spec.query(this::row).list();
  }

  /** Succeeded jobs with a promotion block that no promotion was started for yet. */
  List<UUID> succeededWithoutPromotion(int limit) {
    return jdbc.sql(
            """
            SELECT j.id FROM jobs j
             WHERE j.state = 'SUCCEEDED' AND (j.spec -> 'promotion') IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM promotions p WHERE p.job_id = j.id AND p.trigger = 'job')
             ORDER BY j.updated_at LIMIT :limit
            """)
        .param("limit", limit)
        .query(UUID.class)
        .list();
  }

  /**
   * Whether every node the job last ran on has reported since {@code since}: then the agents have
   * sent every checkpoint the ranks wrote before they exited.
   */
  boolean nodesReportedSince(List<String> nodes, Instant since) {
    if (nodes.isEmpty()) {
      return true;
    }
    return Boolean.TRUE.equals(
        jdbc.sql(
                "SELECT bool_and(last_report_at IS NOT NULL AND last_report_at > :since)"
                    + " FROM nodes WHERE name IN (:nodes)")
            .param("since", utc(since))
            .param("nodes", nodes)
            .query(Boolean.class)
            .single());
  }

  private Promotion row(ResultSet rs, int n) throws SQLException {
    return new Promotion(
        rs.getObject("id", UUID.class),
        rs.getObject("job_id", UUID.class),
        rs.getObject("checkpoint_id", UUID.class),
        rs.getString("endpoint"),
        PromotionState.valueOf(rs.getString("state")),
        Trigger.of(rs.getString("trigger")),
        json.readValue(rs.getString("policy"), JobSpec.PromotionSpec.class),
        json.readValue(rs.getString("gates"), GATES),
        (Integer) rs.getObject("revision"),
        rs.getObject("rollout_id", UUID.class),
        rs.getString("artifact"),
        rs.getString("reason"),
        rs.getString("actor"),
        rs.getLong("version"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")),
        instant(rs.getTimestamp("ended_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  void deleteOfJobs(List<java.util.UUID> jobs) {
    jdbc.sql("DELETE FROM promotions WHERE job_id = ANY(:ids)")
        .param("ids", jobs.toArray(java.util.UUID[]::new))
        .update();
  }
}
