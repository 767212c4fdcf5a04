package io.baton.orchestrator.ingest;

import io.baton.orchestrator.checkpoints.ReportedCheckpoints;
import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.jobs.ReportedProgress;
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

/**
 * The job half of reports: progress samples (a series per job, thinned beyond a bound, never losing
 * the newest points) and checkpoint records. A node writes only the lines of jobs whose latest
 * attempt is placed on it, and checkpoints only inside the job's checkpoint directory ({@link
 * ReportedLines}); other lines are dropped and counted in {@code baton.ingest.refused}, while the
 * rest of the report (the node's chips) is stored as usual. Runs inside a writer's transaction, one
 * batch at a time (see {@link ReportWriter}); the rows are written by their owners, {@link
 * ReportedProgress} (jobs) and {@link ReportedCheckpoints} (checkpoints), on the writer's
 * connection.
 */
@Component
class JobData {

  private static final Logger log = LoggerFactory.getLogger(JobData.class);

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

  private final EventLog events;
  private final IngestProperties properties;
  private final IngestRefusals refusals;
  private final ReportedProgress jobProgress;
  private final ReportedCheckpoints reportedCheckpoints;

  /** When a refusal of a (node, job, reason) was last logged; bounded. */
  private final Map<String, Instant> lastLogged =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > 10_000;
        }
      };

  JobData(
      EventLog events,
      IngestProperties properties,
      IngestRefusals refusals,
      ReportedProgress jobProgress,
      ReportedCheckpoints reportedCheckpoints) {
    this.events = events;
    this.properties = properties;
    this.refusals = refusals;
    this.jobProgress = jobProgress;
    this.reportedCheckpoints = reportedCheckpoints;
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
      jobProgress.write(
          c,
          progress.stream()
              .map(l -> new ReportedProgress.Line(l.jobId(), l.node(), l.at(), l.entry()))
              .toList(),
          properties.maxProgressPointsPerJob());
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

  private void insertCheckpoint(Connection c, Line line, Instant now) throws SQLException {
    JsonNode e = line.entry();
    long step = e.path("step").asLong();
    String path = storable(e.path("path").asString());
    if (!reportedCheckpoints.record(c, line.jobId(), step, path, e, line.node(), now)) {
      return;
    }
    jobProgress.advanceLatestCheckpoint(c, line.jobId(), step, path, e.get("sha256"));
    events.append(
        Event.New.checkpoint(
            line.jobId(),
            step,
            "rank " + e.path("rank").asInt() + " wrote " + path,
            ReportWriter.ACTOR,
            now));
    log.debug("Checkpoint of job {} at step {}: {}", line.jobId(), step, path);
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
