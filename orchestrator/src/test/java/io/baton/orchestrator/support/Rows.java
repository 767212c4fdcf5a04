package io.baton.orchestrator.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Rows written straight into the database, for tests that need history which takes minutes to make
 * through the API (checkpoints, revisions, old rollouts and promotions).
 */
public final class Rows {

  private final JdbcClient jdbc;

  public Rows(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public UUID checkpoint(UUID job, long step) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO checkpoints (id, job_id, step, path, rank, reported_at, data)
            VALUES (:id, :job, :step, :path, 0, now(), '{}')
            """)
        .param("id", id)
        .param("job", job)
        .param("step", step)
        .param("path", "step-" + step + "/model.safetensors")
        .update();
    return id;
  }

  public void progress(UUID job, long step) {
    jdbc.sql(
            """
            INSERT INTO job_progress (job_id, step, rank, at, data)
            VALUES (:job, :step, 0, now(), '{}')
            """)
        .param("job", job)
        .param("step", step)
        .update();
  }

  /** An endpoint that serves nothing (so nothing is started for it). */
  public void endpoint(String name) {
    jdbc.sql(
            """
            INSERT INTO endpoints (name, pool, state, desired_replicas, created_at, updated_at)
            VALUES (:name, 'nvidia-h100', 'EMPTY', 1, now(), now())
            """)
        .param("name", name)
        .update();
  }

  public void revision(String endpoint, int revision, UUID checkpoint, UUID job) {
    jdbc.sql(
            """
            INSERT INTO endpoint_revisions (endpoint, revision, checkpoint_id, job_id, artifact,
                                            created_at)
            VALUES (:endpoint, :revision, :checkpoint, :job, '/nowhere/model.safetensors', now())
            """)
        .param("endpoint", endpoint)
        .param("revision", revision)
        .param("checkpoint", checkpoint)
        .param("job", job)
        .update();
  }

  /** A rollout that ended successfully at {@code endedAt}. */
  public UUID succeededRollout(String endpoint, int revision, Instant endedAt) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO rollouts (id, endpoint, revision, kind, state, actor, created_at,
                                  updated_at, ended_at)
            VALUES (:id, :endpoint, :revision, 'PROMOTION', 'SUCCEEDED', 'test', :at, :at, :at)
            """)
        .param("id", id)
        .param("endpoint", endpoint)
        .param("revision", revision)
        .param("at", utc(endedAt))
        .update();
    return id;
  }

  /** A promotion in {@code state}, last changed (and ended, if it is over) at {@code at}. */
  public UUID promotion(UUID job, UUID checkpoint, String state, Instant at) {
    UUID id = UUID.randomUUID();
    boolean ended =
        state.equals("ACTIVE") || state.equals("REJECTED") || state.equals("ROLLED_BACK");
    jdbc.sql(
            """
            INSERT INTO promotions (id, job_id, checkpoint_id, endpoint, state, trigger, policy,
                                    actor, created_at, updated_at, ended_at)
            VALUES (:id, :job, :checkpoint, 'nowhere', :state, 'api', '{}', 'test', :at, :at,
                    CAST(:ended AS timestamptz))
            """)
        .param("id", id)
        .param("job", job)
        .param("checkpoint", checkpoint)
        .param("state", state)
        .param("at", utc(at))
        .param("ended", ended ? utc(at) : null)
        .update();
    return id;
  }

  /** Makes a job look last changed at {@code at}. */
  public void lastChanged(UUID job, Instant at) {
    jdbc.sql("UPDATE jobs SET updated_at = :at WHERE id = :id")
        .param("at", utc(at))
        .param("id", job)
        .update();
  }

  public int count(String table, String column, Object value) {
    return jdbc.sql("SELECT count(*) FROM " + table + " WHERE " + column + " = :value")
        .param("value", value)
        .query(Integer.class)
        .single();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
