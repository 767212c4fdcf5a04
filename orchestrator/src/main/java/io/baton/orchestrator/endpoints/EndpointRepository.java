package io.baton.orchestrator.endpoints;

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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code endpoints}, {@code endpoint_revisions} and {@code rollouts} tables. */
@Repository
class EndpointRepository {

  private static final String ROLLOUT_COLUMNS =
      "id, endpoint, revision, from_revision, kind, promotion_id, state, reason, evidence::text AS"
          + " evidence, actor, created_at, updated_at, ended_at, position, wait_started_at";
  private static final String REVISION_COLUMNS =
      "endpoint, revision, checkpoint_id, job_id, promotion_id, artifact, golden, sha256,"
          + " parity::text AS parity, created_at";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  EndpointRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** An endpoint as stored; replicas and urls come from the backend. */
  public record Row(
      String name,
      String pool,
      EndpointState state,
      int desiredReplicas,
      Integer currentRevision,
      long version,
      Instant createdAt,
      Instant updatedAt,
      String team) {}

  /** A revision as stored. */
  public record RevisionRow(
      String endpoint,
      int revision,
      UUID checkpointId,
      UUID jobId,
      UUID promotionId,
      String artifact,
      String golden,
      String sha256,
      JsonNode parity,
      Instant createdAt) {}

  /** Creates the endpoint, EMPTY, unless it exists; either way returns it locked. */
  public Row createIfAbsentAndLock(
      String name, String pool, int desired, String team, Instant now) {
    jdbc.sql(
            """
            INSERT INTO endpoints (name, pool, state, desired_replicas, created_at, updated_at, team)
            VALUES (:name, :pool, 'EMPTY', :desired, :now, :now, :team)
            ON CONFLICT (name) DO NOTHING
            """)
        .param("team", team)
        .param("name", name)
        .param("pool", pool)
        .param("desired", desired)
        .param("now", utc(now))
        .update();
    return lock(name).orElseThrow();
  }

  /** Gives an endpoint no team owns yet to {@code team}. */
  void claim(String name, String team) {
    jdbc.sql("UPDATE endpoints SET team = :team WHERE name = :name AND team IS NULL")
        .param("team", team)
        .param("name", name)
        .update();
  }

  public Optional<Row> find(String name) {
    return jdbc.sql("SELECT * FROM endpoints WHERE name = :name")
        .param("name", name)
        .query(EndpointRepository::row)
        .optional();
  }

  Optional<Row> lock(String name) {
    return jdbc.sql("SELECT * FROM endpoints WHERE name = :name FOR UPDATE")
        .param("name", name)
        .query(EndpointRepository::row)
        .optional();
  }

  /**
   * Endpoints by name after {@code afterName} (null: from the first), of these teams (every
   * endpoint when null).
   */
  List<Row> page(String afterName, java.util.Set<String> teams, int limit) {
    return jdbc.sql(
            """
            SELECT * FROM endpoints
             WHERE (CAST(:after AS text) IS NULL OR name > CAST(:after AS text))
               AND (CAST(:teams AS text[]) IS NULL OR team = ANY (CAST(:teams AS text[])))
             ORDER BY name LIMIT :limit
            """)
        .param("teams", teams == null ? null : teams.toArray(String[]::new))
        .param("after", afterName)
        .param("limit", limit)
        .query(EndpointRepository::row)
        .list();
  }

  List<Row> all() {
    return jdbc.sql("SELECT * FROM endpoints ORDER BY name").query(EndpointRepository::row).list();
  }

  void update(String name, EndpointState state, Integer currentRevision, int desired, Instant now) {
    jdbc.sql(
            """
            UPDATE endpoints SET state = :state, current_revision = :current,
                   desired_replicas = :desired, version = version + 1, updated_at = :now
             WHERE name = :name
            """)
        .param("state", state.name())
        .param("current", currentRevision)
        .param("desired", desired)
        .param("now", utc(now))
        .param("name", name)
        .update();
  }

  /** Adds the next revision of a locked endpoint and returns its number. */
  int addRevision(
      String endpoint,
      UUID checkpointId,
      UUID jobId,
      UUID promotionId,
      String artifact,
      String golden,
      String sha256,
      JsonNode parity,
      Instant now) {
    return jdbc.sql(
            """
            INSERT INTO endpoint_revisions (endpoint, revision, checkpoint_id, job_id, promotion_id,
                                            artifact, golden, sha256, parity, created_at)
            SELECT :endpoint, COALESCE(max(revision), 0) + 1, :checkpoint, :job, :promotion,
                   :artifact, :golden, :sha256, CAST(:parity AS jsonb), :now
              FROM endpoint_revisions WHERE endpoint = :endpoint
            RETURNING revision
            """)
        .param("endpoint", endpoint)
        .param("checkpoint", checkpointId)
        .param("job", jobId)
        .param("promotion", promotionId)
        .param("artifact", artifact)
        .param("golden", golden)
        .param("sha256", sha256)
        .param("parity", parity == null ? null : parity.toString())
        .param("now", utc(now))
        .query(Integer.class)
        .single();
  }

  Optional<RevisionRow> revision(String endpoint, int revision) {
    return jdbc.sql(
            "SELECT "
                + REVISION_COLUMNS
                + " FROM endpoint_revisions WHERE endpoint = :endpoint AND revision = :revision")
        .param("endpoint", endpoint)
        .param("revision", revision)
        .query(this::revisionRow)
        .optional();
  }

  /** Revisions newest first, below {@code beforeRevision} (null: from the newest). */
  List<RevisionRow> revisions(String endpoint, Integer beforeRevision, int limit) {
    return jdbc.sql(
            "SELECT "
                + REVISION_COLUMNS
                + """
                 FROM endpoint_revisions
                WHERE endpoint = :endpoint
                  AND (CAST(:before AS integer) IS NULL OR revision < CAST(:before AS integer))
                ORDER BY revision DESC LIMIT :limit
                """)
        .param("endpoint", endpoint)
        .param("before", beforeRevision)
        .param("limit", limit)
        .query(this::revisionRow)
        .list();
  }

  /**
   * The periods these revisions served, oldest first: each successful rollout to one of them, until
   * the next successful rollout of the endpoint (null while it serves).
   */
  List<ServedPeriod> servedPeriods(String endpoint, List<Integer> revisions) {
    if (revisions.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            """
            SELECT revision, id, ended_at, until FROM (
              SELECT revision, id, ended_at, created_at,
                     lead(ended_at) OVER (ORDER BY ended_at, created_at) AS until
                FROM rollouts WHERE endpoint = :endpoint AND state = 'SUCCEEDED'
            ) s
             WHERE revision = ANY(:revisions)
             ORDER BY ended_at, created_at
            """)
        .param("endpoint", endpoint)
        .param("revisions", revisions.toArray(Integer[]::new))
        .query(
            (rs, n) ->
                new ServedPeriod(
                    rs.getInt("revision"),
                    new Revision.Period(
                        instant(rs.getTimestamp("ended_at")),
                        instant(rs.getTimestamp("until")),
                        rs.getObject("id", UUID.class))))
        .list();
  }

  /** A period one revision served. */
  record ServedPeriod(int revision, Revision.Period period) {}

  void insertRollout(
      UUID id,
      String endpoint,
      int revision,
      Integer fromRevision,
      RolloutKind kind,
      UUID promotionId,
      String reason,
      String actor,
      Instant now) {
    jdbc.sql(
            """
            INSERT INTO rollouts (id, endpoint, revision, from_revision, kind, promotion_id, state,
                                  reason, actor, created_at, updated_at)
            VALUES (:id, :endpoint, :revision, :from, :kind, :promotion, 'PENDING', :reason, :actor,
                    :now, :now)
            """)
        .param("id", id)
        .param("endpoint", endpoint)
        .param("revision", revision)
        .param("from", fromRevision)
        .param("kind", kind.name())
        .param("promotion", promotionId)
        .param("reason", reason)
        .param("actor", actor)
        .param("now", utc(now))
        .update();
  }

  private JdbcClient.StatementSpec rollouts(String where) {
    return jdbc.sql("SELECT " + ROLLOUT_COLUMNS + " FROM rollouts WHERE " + where);
  }

  Optional<Rollout> rollout(UUID id) {
    return rollouts("id = :id").param("id", id).query(this::rolloutRow).optional();
  }

  Optional<Rollout> inFlight(String endpoint) {
    return rollouts("endpoint = :endpoint AND state IN ('PENDING', 'CANARY', 'SCALING')")
        .param("endpoint", endpoint)
        .query(this::rolloutRow)
        .optional();
  }

  List<Rollout> allInFlight() {
    return rollouts("state IN ('PENDING', 'CANARY', 'SCALING') ORDER BY created_at")
        .query(this::rolloutRow)
        .list();
  }

  /**
   * An endpoint's rollouts, newest first, older than the one at ({@code beforeTime}, {@code
   * beforeId}) (null: from the newest).
   */
  List<Rollout> rollouts(String endpoint, Instant beforeTime, UUID beforeId, int limit) {
    return rollouts(
            """
            endpoint = :endpoint
              AND (CAST(:beforeTime AS timestamptz) IS NULL
                   OR (created_at, id) < (CAST(:beforeTime AS timestamptz), :beforeId))
            ORDER BY created_at DESC, id DESC LIMIT :limit
            """)
        .param("endpoint", endpoint)
        .param("beforeTime", beforeTime == null ? null : utc(beforeTime))
        .param("beforeId", beforeId == null ? new UUID(0, 0) : beforeId)
        .param("limit", limit)
        .query(this::rolloutRow)
        .list();
  }

  /** Successful rollouts of an endpoint, oldest first: from these, who served when. */
  List<Rollout> succeeded(String endpoint) {
    return rollouts("endpoint = :endpoint AND state = 'SUCCEEDED' ORDER BY ended_at, created_at")
        .param("endpoint", endpoint)
        .query(this::rolloutRow)
        .list();
  }

  /** Records evidence of a rollout still in {@code state}; false when it has moved on. */
  boolean recordEvidence(UUID id, RolloutState state, JsonNode evidence, Instant now) {
    return jdbc.sql(
                """
                UPDATE rollouts SET evidence = CAST(:evidence AS jsonb), updated_at = :now
                 WHERE id = :id AND state = :state
                """)
            .param("evidence", evidence.toString())
            .param("now", utc(now))
            .param("id", id)
            .param("state", state.name())
            .update()
        == 1;
  }

  /**
   * Moves a rollout from {@code from} to {@code to} with where it is now; false when it is no
   * longer in {@code from} (someone else moved it). Only {@link RolloutLifecycle} calls this. When
   * the endpoints loop makes the move, its replica must still hold the lease ({@link Fences}).
   *
   * @throws io.baton.orchestrator.leadership.LeaseLost when the fence refused the move
   */
  boolean moveRollout(
      UUID id,
      RolloutState from,
      RolloutState to,
      String reason,
      JsonNode evidence,
      int position,
      Instant waitStartedAt,
      Instant now) {
    Optional<Fence> fence = Fences.current();
    JdbcClient.StatementSpec update =
        jdbc.sql(
                """
                UPDATE rollouts SET state = :to, reason = COALESCE(:reason, reason),
                       evidence = CAST(:evidence AS jsonb), updated_at = :now,
                       position = :position, wait_started_at = :wait,
                       ended_at = CASE WHEN :ended THEN CAST(:now AS timestamptz) END,
                       claimed_by = CASE WHEN :ended THEN NULL ELSE claimed_by END,
                       claimed_until = CASE WHEN :ended THEN NULL ELSE claimed_until END
                 WHERE id = :id AND state = :from
                """
                    + fence.map(f -> " AND " + Fence.CONDITION).orElse(""))
            .param("to", to.name())
            .param("reason", reason)
            .param("evidence", evidence.toString())
            .param("now", utc(now))
            .param("position", position)
            .param("wait", waitStartedAt == null ? null : utc(waitStartedAt))
            .param("ended", to.isTerminal())
            .param("id", id)
            .param("from", from.name());
    if (fence.isEmpty()) {
      return update.update() == 1;
    }
    if (fence.get().bind(update).update() == 1) {
      return true;
    }
    fence.get().verify(jdbc);
    return false;
  }

  private static Row row(ResultSet rs, int n) throws SQLException {
    return new Row(
        rs.getString("name"),
        rs.getString("pool"),
        EndpointState.valueOf(rs.getString("state")),
        rs.getInt("desired_replicas"),
        (Integer) rs.getObject("current_revision"),
        rs.getLong("version"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")),
        rs.getString("team"));
  }

  private RevisionRow revisionRow(ResultSet rs, int n) throws SQLException {
    String parity = rs.getString("parity");
    return new RevisionRow(
        rs.getString("endpoint"),
        rs.getInt("revision"),
        rs.getObject("checkpoint_id", UUID.class),
        rs.getObject("job_id", UUID.class),
        rs.getObject("promotion_id", UUID.class),
        rs.getString("artifact"),
        rs.getString("golden"),
        rs.getString("sha256"),
        parity == null ? null : json.readTree(parity),
        instant(rs.getTimestamp("created_at")));
  }

  private Rollout rolloutRow(ResultSet rs, int n) throws SQLException {
    return new Rollout(
        rs.getObject("id", UUID.class),
        rs.getString("endpoint"),
        rs.getInt("revision"),
        (Integer) rs.getObject("from_revision"),
        RolloutKind.valueOf(rs.getString("kind")),
        rs.getObject("promotion_id", UUID.class),
        RolloutState.valueOf(rs.getString("state")),
        rs.getString("reason"),
        json.readTree(rs.getString("evidence")),
        rs.getString("actor"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")),
        instant(rs.getTimestamp("ended_at")),
        rs.getInt("position"),
        instant(rs.getTimestamp("wait_started_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
