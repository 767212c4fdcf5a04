package io.baton.orchestrator.ingest;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.pools.ChipHealthSummary;
import io.baton.orchestrator.pools.NodeState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a batch of reports in one transaction: one statement updates every node (and returns what
 * each was before, to tell duplicates and changes apart), then the changes become events and the
 * job data rows. Heartbeat-only batches commit without waiting for the WAL flush; batches that
 * carry progress or checkpoints do not.
 */
@Component
class ReportWriter {

  static final String ACTOR = "agent";

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

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final EventLog events;
  private final JobData jobData;

  /**
   * Batches with job data are written one at a time (until committed), whichever writer has them:
   * the progress series are thinned from counts kept here, and the job rows are updated in order.
   * Heartbeat batches of several writers go to the database side by side.
   */
  private final ReentrantLock jobDataLock = new ReentrantLock();

  ReportWriter(
      JdbcTemplate jdbc, TransactionTemplate transactions, EventLog events, JobData jobData) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.events = events;
    this.jobData = jobData;
  }

  /**
   * Applies the reports; returns, for each, whether it was new (false: already applied).
   *
   * @param now when the reports were received; becomes the nodes' last report time
   */
  List<Boolean> write(List<AgentReport> reports, Instant now) {
    boolean withJobData = reports.stream().anyMatch(AgentReport::carriesJobData);
    if (withJobData) {
      jobDataLock.lock();
    }
    try {
      return transactions.execute(
          status ->
              jdbc.execute(
                  (ConnectionCallback<List<Boolean>>) c -> write(c, reports, withJobData, now)));
    } finally {
      if (withJobData) {
        jobDataLock.unlock();
      }
    }
  }

  private List<Boolean> write(Connection c, List<AgentReport> reports, boolean durable, Instant now)
      throws SQLException {
    if (!durable) {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL synchronous_commit = off");
      }
    }
    Map<String, AgentReport> latest = latestPerNode(reports);
    Map<String, Before> before = updateNodes(c, latest.values(), now);
    List<Boolean> applied = new ArrayList<>(reports.size());
    List<AgentReport> withJobData = new ArrayList<>();
    for (AgentReport report : reports) {
      Before was = before.get(report.node());
      boolean isNew =
          was != null && (!report.bootId().equals(was.bootId()) || report.seq() > was.lastSeq());
      applied.add(isNew);
      if (isNew && report.carriesJobData()) {
        withJobData.add(report);
      }
    }
    List<Event.New> changes = new ArrayList<>();
    for (Map.Entry<String, Before> entry : before.entrySet()) {
      changes.addAll(changes(latest.get(entry.getKey()), entry.getValue(), now));
    }
    events.appendAll(changes);
    if (!withJobData.isEmpty()) {
      jobData.write(c, withJobData, now);
    }
    return applied;
  }

  /** The newest report of each node: the one the node row is set from. */
  private static Map<String, AgentReport> latestPerNode(List<AgentReport> reports) {
    Map<String, AgentReport> latest = new LinkedHashMap<>();
    for (AgentReport report : reports) {
      latest.merge(
          report.node(),
          report,
          (a, b) -> !a.bootId().equals(b.bootId()) || b.seq() > a.seq() ? b : a);
    }
    return latest;
  }

  private Map<String, Before> updateNodes(
      Connection c, java.util.Collection<AgentReport> reports, Instant now) throws SQLException {
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
    for (AgentReport report : reports) {
      ChipHealthSummary summary = report.chipHealth();
      names[i] = report.node();
      boots[i] = report.bootId();
      seqs[i] = report.seq();
      health[i] = summary.worst().name();
      chipHealth[i] = summary.codes();
      chipIndexes[i] = indexes(report);
      chips.append(i == 0 ? "" : ",").append(report.chipsJson());
      vendors[i] = report.vendor();
      counts[0][i] = summary.size();
      counts[1][i] = summary.count(io.baton.orchestrator.pools.ChipHealth.OK);
      counts[2][i] = summary.count(io.baton.orchestrator.pools.ChipHealth.WARNING);
      counts[3][i] = summary.count(io.baton.orchestrator.pools.ChipHealth.FAULT);
      counts[4][i] = summary.count(io.baton.orchestrator.pools.ChipHealth.UNKNOWN);
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

  private static List<Event.New> changes(AgentReport report, Before was, Instant now) {
    List<Event.New> changes = new ArrayList<>();
    if (was.state() != NodeState.READY) {
      String reason = was.state() == NodeState.NEW ? "first report" : "reporting again";
      changes.add(
          Event.New.nodeState(
              report.node(), was.state().name(), NodeState.READY.name(), reason, ACTOR, now));
    }
    ChipHealthSummary after = report.chipHealth();
    for (ChipHealthSummary.Change change : after.changesSince(was.chipHealth())) {
      AgentReport.Chip chip = report.chips().get(change.position());
      changes.add(
          Event.New.chipHealth(
              report.node(),
              chip.index(),
              change.from().name(),
              change.to().name(),
              chip.reason(),
              ACTOR,
              now));
    }
    return changes;
  }

  private static String indexes(AgentReport report) {
    StringBuilder array = new StringBuilder("{");
    for (int i = 0; i < report.chips().size(); i++) {
      array.append(i == 0 ? "" : ",").append(report.chips().get(i).index());
    }
    return array.append('}').toString();
  }

  /** A node's row before this batch touched it. */
  private record Before(NodeState state, UUID bootId, long lastSeq, ChipHealthSummary chipHealth) {}
}
