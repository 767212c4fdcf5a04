package io.baton.orchestrator.ingest;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job half of reports: progress samples (a series per job, thinned beyond a bound, never losing
 * the newest points) and checkpoint records. A node writes only the lines of jobs whose latest
 * attempt is placed on it, and checkpoints only inside the job's checkpoint directory ({@link
 * ReportedLines}); other lines are dropped and counted in {@code baton.ingest.refused}, while the
 * rest of the report (the node's chips) is stored as usual. Runs inside a writer's transaction, one
 * batch at a time (see {@link ReportWriter}).
 */
@Component
class JobData {

  private static final Logger log = LoggerFactory.getLogger(JobData.class);

  private static final String INSERT_PROGRESS =
      """
      INSERT INTO job_progress (job_id, step, total_steps, loss, samples_per_sec, rank, attempt,
                                node, at, data, step_ms, compute_ms)
      SELECT job_id, step, total_steps, loss, samples_per_sec, rank, attempt, node, at, data::jsonb,
             step_ms, compute_ms
        FROM unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::float8[], ?::float8[], ?::int[],
                    ?::int[], ?::text[], ?::timestamptz[], ?::text[], ?::float8[], ?::float8[])
          AS v(job_id, step, total_steps, loss, samples_per_sec, rank, attempt, node, at, data,
               step_ms, compute_ms)
      ON CONFLICT (job_id, coalesce(attempt, 0), rank, step) DO NOTHING
      RETURNING job_id
      """;

  /** Each job with the nodes of its latest attempt's placement and its checkpoint URI. */
  private static final String PLACED =
      """
      SELECT j.id,
             ARRAY(SELECT DISTINCT p ->> 'node' FROM jsonb_array_elements(j.placement) p),
             j.spec #>> '{checkpoint,uri}'
        FROM jobs j
       WHERE j.id = ANY(?)
      """;

  private static final Duration LOG_QUIET = Duration.ofMinutes(1);

  private static final String THIN =
      """
      DELETE FROM job_progress p
       USING (SELECT seq, row_number() OVER (ORDER BY step, seq) AS rn, count(*) OVER () AS total
                FROM job_progress WHERE job_id = ?) x
       WHERE p.job_id = ? AND p.seq = x.seq AND x.rn <= x.total / 2 AND x.rn % 2 = 0
      """;

  private final EventLog events;
  private final JsonMapper json;
  private final IngestProperties properties;
  private final IngestRefusals refusals;
  private final Map<UUID, Integer> seriesSizes = new HashMap<>();

  /** When a refusal of a (node, job, reason) was last logged; bounded. */
  private final Map<String, Instant> lastLogged =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > 10_000;
        }
      };

  JobData(EventLog events, JsonMapper json, IngestProperties properties, IngestRefusals refusals) {
    this.events = events;
    this.json = json;
    this.properties = properties;
    this.refusals = refusals;
  }

  void write(Connection c, List<AgentReport> reports, Instant now) throws SQLException {
    List<Line> progress = new ArrayList<>();
    List<Line> checkpoints = new ArrayList<>();
    for (AgentReport report : reports) {
      report.progress().forEach(p -> progress.add(line(report.node(), p, now)));
      report.checkpoints().forEach(p -> checkpoints.add(line(report.node(), p, now)));
    }
    Set<UUID> ids = new HashSet<>();
    progress.forEach(l -> ids.add(l.jobId()));
    checkpoints.forEach(l -> ids.add(l.jobId()));
    ids.remove(null);
    Map<UUID, ReportedLines.Job> jobs = jobs(c, ids);
    progress.removeIf(
        l -> refused(l, "progress", ReportedLines.progress(job(jobs, l), l.node()), now));
    checkpoints.removeIf(
        l ->
            refused(
                l,
                "checkpoint",
                ReportedLines.checkpoint(
                    job(jobs, l), l.node(), l.entry().path("path").asString(null), golden(l)),
                now));
    if (!progress.isEmpty()) {
      Map<UUID, Integer> inserted = insertProgress(c, progress);
      updateLatestProgress(c, progress);
      thin(c, inserted);
    }
    for (Line checkpoint : checkpoints) {
      insertCheckpoint(c, checkpoint, now);
    }
  }

  private static Line line(String node, JsonNode entry, Instant now) {
    UUID jobId;
    try {
      jobId = UUID.fromString(entry.path("jobId").asString(""));
    } catch (IllegalArgumentException e) {
      jobId = null;
    }
    Instant at = now;
    if (entry.hasNonNull("time")) {
      try {
        at = Instant.parse(entry.get("time").asString());
      } catch (DateTimeParseException e) {
        at = now;
      }
    }
    return new Line(jobId, node, at, entry);
  }

  /**
   * The jobs the lines name, with the nodes of their latest attempt: one query per batch that
   * carries job data, in the batch's transaction (so a placement committed before it counts, and no
   * cache can be stale after another replica's admission). Heartbeats never get here.
   */
  private static Map<UUID, ReportedLines.Job> jobs(Connection c, Set<UUID> ids)
      throws SQLException {
    Map<UUID, ReportedLines.Job> jobs = new HashMap<>();
    if (ids.isEmpty()) {
      return jobs;
    }
    try (PreparedStatement ps = c.prepareStatement(PLACED)) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] nodes = (String[]) rs.getArray(2).getArray();
          jobs.put(
              rs.getObject(1, UUID.class), new ReportedLines.Job(Set.of(nodes), rs.getString(3)));
        }
      }
    }
    return jobs;
  }

  private static ReportedLines.Job job(Map<UUID, ReportedLines.Job> jobs, Line line) {
    return line.jobId() == null ? null : jobs.get(line.jobId());
  }

  private static String golden(Line line) {
    JsonNode golden = line.entry().get("golden");
    return golden == null || golden.isNull() ? null : golden.asString();
  }

  /** Counts (and now and then logs) a refused line; true when it was refused. */
  private boolean refused(Line line, String kind, ReportedLines.Refusal refusal, Instant now) {
    if (refusal == null) {
      return false;
    }
    refusals.count(refusal, kind);
    String key = line.node() + ' ' + line.jobId() + ' ' + refusal;
    Instant logged = lastLogged.get(key);
    if (logged == null || !now.isBefore(logged.plus(LOG_QUIET))) {
      lastLogged.put(key, now);
      log.warn(
          "Refused a {} line of job {} from node {}: {} (counted in baton.ingest.refused; the"
              + " same refusal is logged again after {} at the soonest)",
          kind,
          line.jobId() == null ? line.entry().path("jobId").asString("?") : line.jobId(),
          line.node(),
          refusal.tag,
          LOG_QUIET);
    }
    return true;
  }

  /**
   * Inserts the lines; returns how many rows each job's series really gained (a line sent again —
   * an agent resending after a lost answer, or ranks adopted by a new orchestrator — adds none).
   */
  private Map<UUID, Integer> insertProgress(Connection c, List<Line> lines) throws SQLException {
    int n = lines.size();
    Object[][] columns = new Object[12][n];
    for (int i = 0; i < n; i++) {
      Line line = lines.get(i);
      JsonNode e = line.entry();
      columns[0][i] = line.jobId();
      columns[1][i] = e.path("step").asLong();
      columns[2][i] = e.hasNonNull("totalSteps") ? e.get("totalSteps").asLong() : null;
      columns[3][i] = e.hasNonNull("loss") ? e.get("loss").asDouble() : null;
      columns[4][i] = e.hasNonNull("samplesPerSec") ? e.get("samplesPerSec").asDouble() : null;
      columns[5][i] = e.path("rank").asInt();
      columns[6][i] = e.hasNonNull("attempt") ? e.get("attempt").asInt() : null;
      columns[7][i] = line.node();
      columns[8][i] = line.at().toString();
      columns[9][i] = jsonb(e.toString());
      columns[10][i] = e.hasNonNull("stepMs") ? e.get("stepMs").asDouble() : null;
      columns[11][i] = e.hasNonNull("computeMs") ? e.get("computeMs").asDouble() : null;
    }
    String[] types = {
      "uuid", "bigint", "bigint", "float8", "float8", "int4", "int4", "text", "text", "text",
      "float8", "float8"
    };
    try (PreparedStatement ps = c.prepareStatement(INSERT_PROGRESS)) {
      for (int k = 0; k < columns.length; k++) {
        ps.setArray(k + 1, c.createArrayOf(types[k], columns[k]));
      }
      Map<UUID, Integer> inserted = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.merge(rs.getObject(1, UUID.class), 1, Integer::sum);
        }
      }
      return inserted;
    }
  }

  private void updateLatestProgress(Connection c, List<Line> lines) throws SQLException {
    Map<UUID, Line> latest = new LinkedHashMap<>();
    lines.forEach(l -> latest.put(l.jobId(), l));
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE jobs SET progress = ?::jsonb WHERE id = ?")) {
      for (Line line : latest.values()) {
        JsonNode e = line.entry();
        ObjectNode summary = json.createObjectNode();
        summary.put("step", e.path("step").asLong());
        summary.set("totalSteps", e.get("totalSteps"));
        summary.set("loss", e.get("loss"));
        summary.set("samplesPerSec", e.get("samplesPerSec"));
        summary.put("time", line.at().toString());
        ps.setString(1, jsonb(summary.toString()));
        ps.setObject(2, line.jobId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Keeps each touched series within its bound by dropping every other point of its older half. */
  private void thin(Connection c, Map<UUID, Integer> added) throws SQLException {
    for (Map.Entry<UUID, Integer> entry : added.entrySet()) {
      UUID job = entry.getKey();
      Integer size = seriesSizes.get(job);
      if (size == null) {
        size = count(c, job);
      } else {
        size += entry.getValue();
      }
      while (size > properties.maxProgressPointsPerJob()) {
        try (PreparedStatement ps = c.prepareStatement(THIN)) {
          ps.setObject(1, job);
          ps.setObject(2, job);
          int removed = ps.executeUpdate();
          size -= removed;
          if (removed == 0) {
            break;
          }
        }
      }
      seriesSizes.put(job, size);
    }
    if (seriesSizes.size() > 10_000) {
      seriesSizes.clear();
    }
  }

  private static int count(Connection c, UUID job) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM job_progress WHERE job_id = ?")) {
      ps.setObject(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private void insertCheckpoint(Connection c, Line line, Instant now) throws SQLException {
    JsonNode e = line.entry();
    long step = e.path("step").asLong();
    String path = storable(e.path("path").asString());
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO checkpoints (id, job_id, step, path, format, sha256, size_bytes, metrics,
                                     golden, rank, attempt, node, reported_at, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (job_id, step) DO NOTHING
            """)) {
      ps.setObject(1, UUID.randomUUID());
      ps.setObject(2, line.jobId());
      ps.setLong(3, step);
      ps.setString(4, path);
      ps.setString(5, text(e, "format"));
      ps.setString(6, text(e, "sha256"));
      ps.setObject(7, e.hasNonNull("sizeBytes") ? e.get("sizeBytes").asLong() : null);
      ps.setString(8, e.hasNonNull("metrics") ? jsonb(e.get("metrics").toString()) : null);
      ps.setString(9, text(e, "golden"));
      ps.setInt(10, e.path("rank").asInt());
      ps.setObject(11, e.hasNonNull("attempt") ? e.get("attempt").asInt() : null);
      ps.setString(12, line.node());
      ps.setObject(13, java.time.OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC));
      ps.setString(14, jsonb(e.toString()));
      if (ps.executeUpdate() == 0) {
        return;
      }
    }
    ObjectNode latest = json.createObjectNode();
    latest.put("step", step);
    latest.put("uri", path);
    latest.set("sha256", e.get("sha256"));
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            UPDATE jobs SET latest_checkpoint = ?::jsonb
             WHERE id = ? AND (latest_checkpoint IS NULL
                               OR (latest_checkpoint ->> 'step')::bigint <= ?)
            """)) {
      ps.setString(1, jsonb(latest.toString()));
      ps.setObject(2, line.jobId());
      ps.setLong(3, step);
      ps.executeUpdate();
    }
    events.append(
        Event.New.checkpoint(
            line.jobId(),
            step,
            "rank " + e.path("rank").asInt() + " wrote " + path,
            ReportWriter.ACTOR,
            now));
    log.debug("Checkpoint of job {} at step {}: {}", line.jobId(), step, path);
  }

  private static String text(JsonNode e, String field) {
    return e.hasNonNull(field) ? storable(e.get(field).asString()) : null;
  }

  /** PostgreSQL's text refuses NUL too; it becomes U+FFFD. */
  static String storable(String text) {
    return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
  }

  /** PostgreSQL's jsonb refuses the NUL character that JSON allows; it becomes U+FFFD. */
  static String jsonb(String json) {
    return json.contains("\\u0000") ? json.replace("\\u0000", "\\ufffd") : json;
  }

  /** A progress or checkpoint line with where it came from. */
  private record Line(UUID jobId, String node, Instant at, JsonNode entry) {}
}
