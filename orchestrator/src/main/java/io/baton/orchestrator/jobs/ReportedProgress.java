package io.baton.orchestrator.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes what agents report about jobs: progress samples (a series per job, thinned beyond a bound,
 * never losing the newest points), each job's latest progress and its newest checkpoint. Set-based
 * statements on the ingest writer's connection, inside its transaction; one batch at a time (the
 * writer serializes batches with job data, so the series sizes kept here stay right).
 */
@Component
public class ReportedProgress {

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

  private static final String THIN =
      """
      DELETE FROM job_progress p
       USING (SELECT seq, row_number() OVER (ORDER BY step, seq) AS rn, count(*) OVER () AS total
                FROM job_progress WHERE job_id = ?) x
       WHERE p.job_id = ? AND p.seq = x.seq AND x.rn <= x.total / 2 AND x.rn % 2 = 0
      """;

  private final JsonMapper json;
  private final Map<UUID, Integer> seriesSizes = new HashMap<>();

  ReportedProgress(JsonMapper json) {
    this.json = json;
  }

  /**
   * A progress line as the rank wrote it ({@code schemas/agent-report.schema.json}), with the job
   * it belongs to, the node that sent it and when it was taken.
   *
   * @param entry the line; {@code data} holds it whole, with NUL escapes made storable
   */
  public record Line(UUID jobId, String node, Instant at, JsonNode entry) {}

  /**
   * Appends the lines to their jobs' series, sets each job's latest progress from its last line and
   * keeps each touched series within {@code maxPointsPerJob} by dropping every other point of its
   * older half. A line sent again (an agent resending after a lost answer, or ranks adopted by a
   * new orchestrator) adds no row.
   */
  public void write(Connection c, List<Line> lines, int maxPointsPerJob) throws SQLException {
    if (lines.isEmpty()) {
      return;
    }
    Map<UUID, Integer> inserted = insert(c, lines);
    updateLatest(c, lines);
    thin(c, inserted, maxPointsPerJob);
  }

  /**
   * Makes the reported checkpoint the job's latest unless a newer one is already.
   *
   * @param sha256 the digest as reported (may be null)
   */
  public void advanceLatestCheckpoint(
      Connection c, UUID job, long step, String uri, JsonNode sha256) throws SQLException {
    ObjectNode latest = json.createObjectNode();
    latest.put("step", step);
    latest.put("uri", uri);
    latest.set("sha256", sha256);
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            UPDATE jobs SET latest_checkpoint = ?::jsonb
             WHERE id = ? AND (latest_checkpoint IS NULL
                               OR (latest_checkpoint ->> 'step')::bigint <= ?)
            """)) {
      ps.setString(1, jsonb(latest.toString()));
      ps.setObject(2, job);
      ps.setLong(3, step);
      ps.executeUpdate();
    }
  }

  /** How many rows each job's series really gained. */
  private Map<UUID, Integer> insert(Connection c, List<Line> lines) throws SQLException {
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

  private void updateLatest(Connection c, List<Line> lines) throws SQLException {
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

  private void thin(Connection c, Map<UUID, Integer> added, int maxPointsPerJob)
      throws SQLException {
    for (Map.Entry<UUID, Integer> entry : added.entrySet()) {
      UUID job = entry.getKey();
      Integer size = seriesSizes.get(job);
      if (size == null) {
        size = count(c, job);
      } else {
        size += entry.getValue();
      }
      while (size > maxPointsPerJob) {
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

  /** PostgreSQL's jsonb refuses the NUL character that JSON allows; it becomes U+FFFD. */
  private static String jsonb(String json) {
    return json.contains("\\u0000") ? json.replace("\\u0000", "\\ufffd") : json;
  }
}
