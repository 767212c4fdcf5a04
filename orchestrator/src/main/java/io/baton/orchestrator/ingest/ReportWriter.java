package io.baton.orchestrator.ingest;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.pools.ChipHealthSummary;
import io.baton.orchestrator.pools.NodeState;
import io.baton.orchestrator.pools.ReportedNodes;
import io.baton.orchestrator.pools.ReportedNodes.Before;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a batch of reports in one transaction: one statement updates every node ({@link
 * ReportedNodes}, which returns what each was before, to tell duplicates and changes apart), then
 * the changes become events and the job data rows ({@link JobData}). Heartbeat-only batches commit
 * without waiting for the WAL flush; batches that carry progress or checkpoints do not.
 */
@Component
class ReportWriter {

  static final String ACTOR = "agent";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final EventLog events;
  private final JobData jobData;
  private final ReportedNodes nodes;

  /**
   * Batches with job data are written one at a time (until committed), whichever writer has them:
   * the progress series are thinned from counts kept here, and the job rows are updated in order.
   * Heartbeat batches of several writers go to the database side by side.
   */
  private final ReentrantLock jobDataLock = new ReentrantLock();

  ReportWriter(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      EventLog events,
      JobData jobData,
      ReportedNodes nodes) {
    this.nodes = nodes;
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
    Map<String, Before> before = nodes.apply(c, latest.values(), now);
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
}
