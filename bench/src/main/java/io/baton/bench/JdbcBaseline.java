package io.baton.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The floor under ingest: the same node rows (state, health, eight chips of raw fields as jsonb)
 * written straight through JDBC in batches of 1,000, one commit per batch, with the same {@code
 * synchronous_commit = off} heartbeats get — no HTTP, no JSON parsing, no validation.
 */
final class JdbcBaseline {

  private JdbcBaseline() {}

  /** Rows per second written during {@code duration}. */
  static double rowsPerSecond(Path root, Path dataDir, int nodes, int chips, Duration duration)
      throws Exception {
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(true)
            .setServerConfig("synchronous_commit", "on")
            .start()) {
      try (Connection c = postgres.getPostgresDatabase().getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute(Files.readString(root.resolve("sql/V1__jobs_and_events.sql")));
          s.execute(Files.readString(root.resolve("sql/V3__nodes_and_ingest.sql")));
        }
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO nodes (name, pool, created_at, updated_at) VALUES (?, 'p', now(), now())")) {
          for (int i = 0; i < nodes; i++) {
            insert.setString(1, "bench-" + i);
            insert.addBatch();
          }
          insert.executeBatch();
        }
        c.setAutoCommit(false);
        String chipsJson = chipsJson(chips);
        String chipHealth = "O".repeat(chips);
        UUID boot = UUID.randomUUID();
        long rows = 0;
        long seq = 0;
        Instant start = Instant.now();
        Instant end = start.plus(duration);
        try (PreparedStatement update =
                c.prepareStatement(
                    """
                    UPDATE nodes SET state = 'READY', health = 'OK', vendor = 'sim', boot_id = ?,
                           last_seq = ?, last_report_at = ?, chips = ?::jsonb, chip_health = ?,
                           chips_total = ?, chips_ok = ?, updated_at = ?
                     WHERE name = ?
                    """);
            Statement async = c.createStatement()) {
          while (Instant.now().isBefore(end)) {
            async.execute("SET LOCAL synchronous_commit = off");
            Timestamp now = Timestamp.from(Instant.now());
            for (int i = 0; i < 1000; i++) {
              update.setObject(1, boot);
              update.setLong(2, seq++);
              update.setTimestamp(3, now);
              update.setString(4, chipsJson);
              update.setString(5, chipHealth);
              update.setInt(6, chips);
              update.setInt(7, chips);
              update.setTimestamp(8, now);
              update.setString(9, "bench-" + (rows + i) % nodes);
              update.addBatch();
            }
            update.executeBatch();
            c.commit();
            rows += 1000;
          }
        }
        return rows / (Duration.between(start, Instant.now()).toNanos() / 1e9);
      }
    }
  }

  static String chipsJson(int chips) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < chips; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"index\":")
          .append(i)
          .append(",\"chipId\":0,\"name\":\"910B1\",\"health\":\"OK\",\"rawHealth\":\"OK\",")
          .append(
              "\"busId\":\"0000:C1:00.0\",\"powerW\":91.5,\"tempC\":33.0,\"utilizationPct\":0.0,")
          .append("\"memoryUsedMb\":3400,\"memoryTotalMb\":65536}");
    }
    return json.append(']').toString();
  }
}
