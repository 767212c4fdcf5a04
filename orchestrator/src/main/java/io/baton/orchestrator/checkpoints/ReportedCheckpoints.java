package io.baton.orchestrator.checkpoints;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Records the checkpoints agents report, on the ingest writer's connection inside its transaction.
 */
@Component
public class ReportedCheckpoints {

  ReportedCheckpoints() {}

  /**
   * Records a checkpoint line as the rank wrote it ({@code schemas/agent-report.schema.json}).
   *
   * @param path the checkpoint's path, storable (no NUL)
   * @return whether it was new: false when the job already has a checkpoint at that step
   */
  public boolean record(
      Connection c, UUID job, long step, String path, JsonNode entry, String node, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            INSERT INTO checkpoints (id, job_id, step, path, format, sha256, size_bytes, metrics,
                                     golden, rank, attempt, node, reported_at, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (job_id, step) DO NOTHING
            """)) {
      ps.setObject(1, UUID.randomUUID());
      ps.setObject(2, job);
      ps.setLong(3, step);
      ps.setString(4, path);
      ps.setString(5, text(entry, "format"));
      ps.setString(6, text(entry, "sha256"));
      ps.setObject(7, entry.hasNonNull("sizeBytes") ? entry.get("sizeBytes").asLong() : null);
      ps.setString(8, entry.hasNonNull("metrics") ? jsonb(entry.get("metrics").toString()) : null);
      ps.setString(9, text(entry, "golden"));
      ps.setInt(10, entry.path("rank").asInt());
      ps.setObject(11, entry.hasNonNull("attempt") ? entry.get("attempt").asInt() : null);
      ps.setString(12, node);
      ps.setObject(13, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
      ps.setString(14, jsonb(entry.toString()));
      return ps.executeUpdate() > 0;
    }
  }

  private static String text(JsonNode e, String field) {
    return e.hasNonNull(field) ? storable(e.get(field).asString()) : null;
  }

  /** PostgreSQL's text refuses NUL too; it becomes U+FFFD. */
  private static String storable(String text) {
    return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
  }

  /** PostgreSQL's jsonb refuses the NUL character that JSON allows; it becomes U+FFFD. */
  private static String jsonb(String json) {
    return json.contains("\\u0000") ? json.replace("\\u0000", "\\ufffd") : json;
  }
}
