package io.baton.orchestrator.cluster;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code tasks} table: slow work a loop started and reads the result of later. */
@Repository
class TaskRepository {

  private final JdbcClient jdbc;

  TaskRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** A task as stored; {@code result} is JSON text. */
  record Row(
      UUID id,
      String kind,
      String subject,
      TaskState state,
      int attempts,
      String result,
      String error,
      String claimedBy,
      Instant claimedUntil,
      Instant startedAt,
      Instant finishedAt) {}

  Optional<Row> find(String kind, String subject) {
    return jdbc.sql("SELECT * FROM tasks WHERE kind = :kind AND subject = :subject")
        .param("kind", kind)
        .param("subject", subject)
        .query(TaskRepository::row)
        .optional();
  }

  /**
   * Inserts a RUNNING task claimed by {@code owner} until {@code until}; false when one of that
   * kind and subject exists already.
   */
  boolean insert(UUID id, String kind, String subject, String owner, Instant until, Instant now) {
    return jdbc.sql(
                """
                INSERT INTO tasks (id, kind, subject, state, attempts, claimed_by, claimed_until,
                                   started_at)
                VALUES (:id, :kind, :subject, 'RUNNING', 1, :owner, :until, :now)
                ON CONFLICT (kind, subject) DO NOTHING
                """)
            .param("id", id)
            .param("kind", kind)
            .param("subject", subject)
            .param("owner", owner)
            .param("until", utc(until))
            .param("now", utc(now))
            .update()
        == 1;
  }

  /** Starts the task again (another attempt); false when it changed since it was read. */
  boolean restart(UUID id, int attempts, Instant now) {
    return jdbc.sql(
                """
                UPDATE tasks SET state = 'RUNNING', attempts = :next, result = NULL, error = NULL,
                       started_at = :now, finished_at = NULL
                 WHERE id = :id AND attempts = :attempts
                """)
            .param("next", attempts + 1)
            .param("now", utc(now))
            .param("id", id)
            .param("attempts", attempts)
            .update()
        == 1;
  }

  /** Records how the task's current attempt ended (unless another attempt began since). */
  void finish(UUID id, int attempts, TaskState state, String result, String error, Instant now) {
    jdbc.sql(
            """
            UPDATE tasks SET state = :state, result = CAST(:result AS jsonb), error = :error,
                   finished_at = :now
             WHERE id = :id AND attempts = :attempts AND state = 'RUNNING'
            """)
        .param("state", state.name())
        .param("result", result)
        .param("error", error)
        .param("now", utc(now))
        .param("id", id)
        .param("attempts", attempts)
        .update();
  }

  void delete(String kind, String subject) {
    jdbc.sql("DELETE FROM tasks WHERE kind = :kind AND subject = :subject")
        .param("kind", kind)
        .param("subject", subject)
        .update();
  }

  private static Row row(ResultSet rs, int n) throws SQLException {
    return new Row(
        rs.getObject("id", UUID.class),
        rs.getString("kind"),
        rs.getString("subject"),
        TaskState.valueOf(rs.getString("state")),
        rs.getInt("attempts"),
        rs.getString("result"),
        rs.getString("error"),
        rs.getString("claimed_by"),
        instant(rs.getTimestamp("claimed_until")),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
