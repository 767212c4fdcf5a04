package io.baton.orchestrator.pools;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Sets nodes' rows from their agents' reports: one set-based statement per batch on the ingest
 * writer's connection, inside its transaction, that returns what each row was before (to tell
 * duplicates and changes apart).
 */
@Component
public class ReportedNodes {

  private static final String UPDATE_NODES =
      """
      WITH v AS (
        SELECT v.*, c.chips
          FROM unnest(?::text[], ?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::text[],
                      ?::text[], ?::int[], ?::int[], ?::int[], ?::int[], ?::int[], ?::bigint[])
               WITH ORDINALITY
               AS v(name, boot_id, seq, health, chip_health, chip_indexes, vendor,
                    total, ok, warning, fault, unknown, malformed, ord)
          JOIN json_array_elements(?::json) WITH ORDINALITY AS c(chips, ord) USING (ord)
      ), old AS (
        SELECT n.name, n.state, n.boot_id, n.last_seq, n.chip_health
          FROM nodes n JOIN v ON v.name = n.name
         ORDER BY n.name
           FOR UPDATE OF n
      )
      UPDATE nodes n
         SET state = 'READY', health = v.health, vendor = v.vendor, boot_id = v.boot_id,
             last_seq = v.seq, last_report_at = ?, chips = v.chips::jsonb,
             chip_health = v.chip_health, chip_indexes = v.chip_indexes::integer[],
             chips_total = v.total, chips_ok = v.ok, chips_warning = v.warning,
             chips_fault = v.fault, chips_unknown = v.unknown,
             malformed_lines = n.malformed_lines + v.malformed, updated_at = ?
        FROM v JOIN old ON old.name = v.name
       WHERE n.name = v.name
         AND (old.boot_id IS DISTINCT FROM v.boot_id OR old.last_seq < v.seq)
      RETURNING n.name, old.state, old.boot_id, old.last_seq, old.chip_health
      """;

  ReportedNodes() {}

  /** A node's report, as far as its row keeps it. */
  public interface Report {

    String node();

    UUID bootId();

    long seq();

    String vendor();

    /** The chips' health, in index order. */
    ChipHealthSummary chipHealth();

    /** The chips' vendor indexes as a PostgreSQL array literal, e.g. {@code {0,1,2}}. */
    String chipIndexes();

    /** The chips as a JSON array, as the agent sent them (ready for jsonb). */
    String chipsJson();

    long malformedLines();
  }

  /** A node's row before the batch touched it. */
  public record Before(NodeState state, UUID bootId, long lastSeq, ChipHealthSummary chipHealth) {}

  /**
   * Sets each node's row from its report (at most one report per node) unless the row already holds
   * that boot's sequence number or a later one; the node becomes READY.
   *
   * @return each updated node's row as it was before
   */
  public Map<String, Before> apply(Connection c, Collection<? extends Report> reports, Instant now)
      throws SQLException {
    int n = reports.size();
    Object[] names = new Object[n];
    Object[] boots = new Object[n];
    Object[] seqs = new Object[n];
    Object[] health = new Object[n];
    Object[] chipHealth = new Object[n];
    Object[] chipIndexes = new Object[n];
    Object[] vendors = new Object[n];
    Object[][] counts = new Object[5][n];
    Object[] malformed = new Object[n];
    // Every node's chips in one JSON array: the agents' JSON concatenated rather than escaped into
    // a text[] (json, not jsonb: PostgreSQL splits json text cheaply, a jsonb array it rebuilds).
    StringBuilder chips = new StringBuilder(n * 2048).append('[');
    int i = 0;
    for (Report report : reports) {
      ChipHealthSummary summary = report.chipHealth();
      names[i] = report.node();
      boots[i] = report.bootId();
      seqs[i] = report.seq();
      health[i] = summary.worst().name();
      chipHealth[i] = summary.codes();
      chipIndexes[i] = report.chipIndexes();
      chips.append(i == 0 ? "" : ",").append(report.chipsJson());
      vendors[i] = report.vendor();
      counts[0][i] = summary.size();
      counts[1][i] = summary.count(ChipHealth.OK);
      counts[2][i] = summary.count(ChipHealth.WARNING);
      counts[3][i] = summary.count(ChipHealth.FAULT);
      counts[4][i] = summary.count(ChipHealth.UNKNOWN);
      malformed[i] = report.malformedLines();
      i++;
    }
    chips.append(']');
    Map<String, Before> before = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(UPDATE_NODES)) {
      ps.setArray(1, c.createArrayOf("text", names));
      ps.setArray(2, c.createArrayOf("uuid", boots));
      ps.setArray(3, c.createArrayOf("bigint", seqs));
      ps.setArray(4, c.createArrayOf("text", health));
      ps.setArray(5, c.createArrayOf("text", chipHealth));
      ps.setArray(6, c.createArrayOf("text", chipIndexes));
      ps.setArray(7, c.createArrayOf("text", vendors));
      for (int k = 0; k < 5; k++) {
        ps.setArray(8 + k, c.createArrayOf("int4", counts[k]));
      }
      ps.setArray(13, c.createArrayOf("bigint", malformed));
      ps.setString(14, chips.toString());
      ps.setTimestamp(15, Timestamp.from(now));
      ps.setTimestamp(16, Timestamp.from(now));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          before.put(
              rs.getString(1),
              new Before(
                  NodeState.valueOf(rs.getString(2)),
                  rs.getObject(3, UUID.class),
                  rs.getLong(4),
                  new ChipHealthSummary(rs.getString(5))));
        }
      }
    }
    return before;
  }
}
