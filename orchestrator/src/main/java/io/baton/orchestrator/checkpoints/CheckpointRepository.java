package io.baton.orchestrator.checkpoints;

import io.baton.orchestrator.cluster.ClusterBackend;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** The {@code checkpoints} table, with each file located through the backend. */
@Repository
class CheckpointRepository {

  private static final String SELECT =
      """
      SELECT c.id, c.job_id, c.step, c.path, c.format, c.sha256, c.size_bytes, c.metrics::text AS metrics,
             c.golden, c.verified, c.verified_at, c.promoted, c.attempt, c.rank, c.node, c.reported_at,
             c.deleted_at, c.deleted_reason, j.spec -> 'checkpoint' ->> 'dir' AS requested_dir, j.team
        FROM checkpoints c JOIN jobs j ON j.id = c.job_id
      """;

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final ClusterBackend backend;

  CheckpointRepository(JdbcClient jdbc, JsonMapper json, ClusterBackend backend) {
    this.jdbc = jdbc;
    this.json = json;
    this.backend = backend;
  }

  public Optional<Checkpoint> find(UUID id) {
    return jdbc.sql(SELECT + " WHERE c.id = :id").param("id", id).query(this::row).optional();
  }

  public Checkpoint get(UUID id) {
    return find(id).orElseThrow(() -> new CheckpointNotFoundException(id));
  }

  /** Checkpoints, newest report first, optionally of one job, after a (reportedAt, id) cursor. */
  List<Checkpoint> list(
      UUID jobId,
      boolean includeDeleted,
      Set<String> teams,
      Instant afterTime,
      UUID afterId,
      int n) {
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
    if (teams != null) {
      sql.append(" AND j.team = ANY (CAST(:teams AS text[]))");
    }
    if (jobId != null) {
      sql.append(" AND c.job_id = :job");
    }
    if (!includeDeleted) {
      sql.append(" AND c.deleted_at IS NULL");
    }
    if (afterTime != null) {
      sql.append(" AND (c.reported_at, c.id) < (:afterTime, :afterId)");
    }
    sql.append(" ORDER BY c.reported_at DESC, c.id DESC LIMIT :limit");
    JdbcClient.StatementSpec spec = jdbc.sql(sql.toString()).param("limit", n);
    if (teams != null) {
      spec = spec.param("teams", teams.toArray(String[]::new));
    }
    if (jobId != null) {
      spec = spec.param("job", jobId);
    }
    if (afterTime != null) {
      spec =
          spec.param("afterTime", OffsetDateTime.ofInstant(afterTime, ZoneOffset.UTC))
              .param("afterId", afterId);
    }
    return spec.query(this::row).list();
  }

  /** A job's checkpoints whose files are kept, highest step first. */
  public List<Checkpoint> live(UUID jobId) {
    return jdbc.sql(SELECT + " WHERE c.job_id = :job AND c.deleted_at IS NULL ORDER BY c.step DESC")
        .param("job", jobId)
        .query(this::row)
        .list();
  }

  /** Records the outcome of hashing the checkpoint's file. */
  public void markVerified(UUID id, boolean verified, Instant at) {
    jdbc.sql("UPDATE checkpoints SET verified = :verified, verified_at = :at WHERE id = :id")
        .param("verified", verified)
        .param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
        .param("id", id)
        .update();
  }

  /** An endpoint revision serves it: retention keeps it from now on. */
  public void markPromoted(UUID id) {
    jdbc.sql("UPDATE checkpoints SET promoted = true WHERE id = :id").param("id", id).update();
  }

  void markDeleted(UUID id, String reason, Instant at) {
    jdbc.sql(
            "UPDATE checkpoints SET deleted_at = :at, deleted_reason = :reason"
                + " WHERE id = :id AND deleted_at IS NULL")
        .param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
        .param("reason", reason)
        .param("id", id)
        .update();
  }

  /** Jobs holding more live checkpoints than {@code atLeast}: the ones retention looks at. */
  List<UUID> jobsWithMoreThan(int atLeast, int limit) {
    return jdbc.sql(
            """
            SELECT job_id FROM checkpoints WHERE deleted_at IS NULL
             GROUP BY job_id HAVING count(*) > :n ORDER BY max(reported_at) DESC LIMIT :limit
            """)
        .param("n", atLeast)
        .param("limit", limit)
        .query(UUID.class)
        .list();
  }

  /** Checkpoints an unfinished promotion is about to use; retention leaves them alone. */
  List<UUID> inUseByPromotions(UUID jobId) {
    return jdbc.sql(
            """
            SELECT checkpoint_id FROM promotions
             WHERE job_id = :job AND checkpoint_id IS NOT NULL
               AND state NOT IN ('REJECTED', 'ROLLED_BACK')
            UNION
            SELECT checkpoint_id FROM endpoint_revisions WHERE job_id = :job
            """)
        .param("job", jobId)
        .query(UUID.class)
        .list();
  }

  /** The checkpoint a waiting or running attempt resumes from, if any. */
  Optional<String> resumeFrom(UUID jobId) {
    return jdbc.sql("SELECT resume_from FROM jobs WHERE id = :job AND resume_from IS NOT NULL")
        .param("job", jobId)
        .query(String.class)
        .optional();
  }

  private Checkpoint row(ResultSet rs, int n) throws SQLException {
    UUID jobId = rs.getObject("job_id", UUID.class);
    Path dir = Path.of(backend.checkpointDir(jobId, rs.getString("requested_dir")));
    String path = rs.getString("path");
    String golden = rs.getString("golden");
    String metrics = rs.getString("metrics");
    return new Checkpoint(
        rs.getObject("id", UUID.class),
        jobId,
        rs.getLong("step"),
        path,
        dir.resolve(path).normalize().toUri().toString(),
        rs.getString("format"),
        rs.getString("sha256"),
        (Long) rs.getObject("size_bytes"),
        metrics == null ? null : json.readTree(metrics),
        golden,
        golden == null ? null : dir.resolve(golden).normalize().toUri().toString(),
        (Boolean) rs.getObject("verified"),
        instant(rs.getTimestamp("verified_at")),
        rs.getBoolean("promoted"),
        (Integer) rs.getObject("attempt"),
        rs.getInt("rank"),
        rs.getString("node"),
        instant(rs.getTimestamp("reported_at")),
        instant(rs.getTimestamp("deleted_at")),
        rs.getString("deleted_reason"),
        rs.getString("team"));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
