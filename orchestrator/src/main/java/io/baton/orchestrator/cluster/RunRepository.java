package io.baton.orchestrator.cluster;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobUpdates;
import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.pools.ChipHealthSummary;
import io.baton.orchestrator.scheduling.Allocations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What the runner reads about running jobs, and the chips it releases. */
@Repository
class RunRepository {

  private final JdbcClient jdbc;

  private final Allocations allocations;
  private final JobUpdates jobUpdates;
  private final FaultFindings findings;

  RunRepository(
      JdbcClient jdbc, Allocations allocations, JobUpdates jobUpdates, FaultFindings findings) {
    this.allocations = allocations;
    this.jobUpdates = jobUpdates;
    this.findings = findings;
    this.jdbc = jdbc;
  }

  List<UUID> active() {
    return jdbc.sql(
            """
            SELECT id FROM jobs
             WHERE state IN ('ADMITTED', 'STARTING', 'RUNNING', 'CANCELLING')
                OR (state = 'RECOVERING' AND NOT recovery_ready)
             ORDER BY updated_at
            """)
        .query(UUID.class)
        .list();
  }

  /** Placed nodes that are LOST, and placed chips that are FAULT (as node/chip). */
  Health health(UUID job, int attempt, List<Job.Placement> placement) {
    Health health = health(placement);
    List<String> policy = new ArrayList<>(health.isolated());
    jdbc.sql("SELECT reason FROM fault_restarts WHERE job_id = :job AND attempt = :attempt")
        .param("job", job)
        .param("attempt", attempt)
        .query(String.class)
        .list()
        .forEach(policy::add);
    return new Health(health.lostNodes(), health.faultyChips(), policy);
  }

  Health health(List<Job.Placement> placement) {
    if (placement.isEmpty()) {
      return new Health(List.of(), List.of(), List.of());
    }
    Map<String, List<Integer>> chips =
        placement.stream().collect(Collectors.toMap(Job.Placement::node, Job.Placement::chips));
    List<String> lost = new ArrayList<>();
    List<String> faulty = new ArrayList<>();
    jdbc.sql("SELECT name, state, chip_health, chip_indexes FROM nodes WHERE name IN (:names)")
        .param("names", chips.keySet())
        .query(
            rs -> {
              String node = rs.getString(1);
              if ("LOST".equals(rs.getString(2))) {
                lost.add(node);
                return;
              }
              ChipHealthSummary health = new ChipHealthSummary(rs.getString(3));
              Integer[] indexes = (Integer[]) rs.getArray(4).getArray();
              for (int i = 0; i < indexes.length && i < health.size(); i++) {
                if (chips.get(node).contains(indexes[i]) && health.get(i) == ChipHealth.FAULT) {
                  faulty.add(node + "/" + indexes[i]);
                }
              }
            });
    // Chips (and whole nodes, chip -1) the fault policy isolated: the job restarts without them.
    List<String> isolated = new ArrayList<>();
    jdbc.sql("SELECT node, chip FROM isolations WHERE node IN (:names) ORDER BY node, chip")
        .param("names", chips.keySet())
        .query(
            rs -> {
              String node = rs.getString(1);
              int chip = rs.getInt(2);
              if (chip < 0) {
                isolated.add(node + " isolated by the fault policy");
              } else if (chips.get(node).contains(chip)) {
                isolated.add(node + "/" + chip + " isolated by the fault policy");
              }
            });
    return new Health(lost, faulty, isolated);
  }

  /**
   * @param isolated what the fault policy found under the job: placed chips and nodes it isolated
   *     ({@code a-1/3 isolated by the fault policy}), and its verdicts asking to restart the
   *     attempt
   */
  record Health(List<String> lostNodes, List<String> faultyChips, List<String> isolated) {}

  Set<Integer> reportedRanks(UUID job, int attempt) {
    return new HashSet<>(
        jdbc.sql(
                "SELECT DISTINCT rank FROM job_progress WHERE job_id = :job AND coalesce(attempt, 0) = :attempt")
            .param("job", job)
            .param("attempt", attempt)
            .query(Integer.class)
            .list());
  }

  /** The furthest step any attempt reached. */
  long lastStep(UUID job) {
    return jdbc.sql("SELECT coalesce(max(step), 0) FROM job_progress WHERE job_id = :job")
        .param("job", job)
        .query(Long.class)
        .single();
  }

  /** Reported checkpoints, newest first. */
  List<Checkpoint> checkpoints(UUID job) {
    return jdbc.sql(
            "SELECT step, path, sha256, size_bytes FROM checkpoints WHERE job_id = :job ORDER BY step DESC")
        .param("job", job)
        .query(
            (rs, n) ->
                new Checkpoint(
                    rs.getLong(1), rs.getString(2), rs.getString(3), (Long) rs.getObject(4)))
        .list();
  }

  record Checkpoint(long step, String path, String sha256, Long sizeBytes) {}

  /** Frees the chips the job holds (the scheduling feature's allocations). */
  void release(UUID job) {
    allocations.release(job);
  }

  /** Adds nodes the job's next placements must avoid (the jobs feature writes it). */
  void exclude(UUID job, List<String> nodes) {
    jobUpdates.exclude(job, nodes);
  }

  /** Each rank's newest {@code window} steps of the attempt that carry {@code computeMs}. */
  List<io.baton.orchestrator.faults.StepSample> recentSteps(UUID job, int attempt, int window) {
    return jdbc.sql(
            """
            SELECT rank, step, step_ms, compute_ms FROM (
              SELECT rank, step, step_ms, compute_ms,
                     row_number() OVER (PARTITION BY rank ORDER BY step DESC) AS newest
                FROM job_progress
               WHERE job_id = :job AND coalesce(attempt, 0) = :attempt AND compute_ms IS NOT NULL
            ) recent WHERE newest <= :window
            """)
        .param("job", job)
        .param("attempt", attempt)
        .param("window", window)
        .query(
            (rs, n) ->
                new io.baton.orchestrator.faults.StepSample(
                    rs.getInt(1),
                    rs.getLong(2),
                    (Double) rs.getObject(3),
                    (Double) rs.getObject(4)))
        .list();
  }

  /** Ranks of the attempt already found to straggle. */
  Set<Integer> reportedStragglers(UUID job, int attempt) {
    return new HashSet<>(
        jdbc.sql(
                "SELECT DISTINCT rank FROM chip_slowdowns WHERE job_id = :job AND attempt = :attempt")
            .param("job", job)
            .param("attempt", attempt)
            .query(Integer.class)
            .list());
  }

  /** A straggler observation for each chip of the rank's node. */
  void recordSlowdown(
      UUID job, int attempt, int rank, Job.Placement where, double factor, java.time.Instant at) {
    for (int chip : where.chips()) {
      recordFinding(where.node(), chip, "straggler", job, attempt, at);
      jdbc.sql(
              """
              INSERT INTO chip_slowdowns (node, chip, at, factor, job_id, attempt, rank)
              VALUES (:node, :chip, :at, :factor, :job, :attempt, :rank)
              ON CONFLICT DO NOTHING
              """)
          .param("node", where.node())
          .param("chip", chip)
          .param("at", java.sql.Timestamp.from(at))
          .param("factor", factor)
          .param("job", job)
          .param("attempt", attempt)
          .param("rank", rank)
          .update();
    }
  }

  /**
   * Records one of Baton's own findings as a fault policy occurrence for the fault responder to
   * judge: {@code straggler} on a chip, {@code hang} on a node ({@code chip} -1).
   */
  void recordFinding(
      String node, int chip, String signal, UUID job, int attempt, java.time.Instant at) {
    findings.record(node, chip, signal, job, attempt, at);
  }

  /** The step of the job's newest reported checkpoint; null for none. */
  Long newestCheckpointStep(UUID job) {
    return jdbc.sql("SELECT max(step) FROM checkpoints WHERE job_id = :job")
        .param("job", job)
        .query(Long.class)
        .optional()
        .orElse(null);
  }

  /**
   * What the attempt's launch took: from the job's last move to STARTING to the attempt's first
   * reported step; zero when not known yet.
   */
  java.time.Duration relaunch(UUID job, int attempt) {
    Long ms =
        jdbc.sql(
                """
                SELECT (extract(epoch FROM (
                          (SELECT min(at) FROM job_progress
                            WHERE job_id = :job AND coalesce(attempt, 0) = :attempt)
                        - (SELECT max(at) FROM events
                            WHERE job_id = :job AND type = 'job.state' AND to_state = 'STARTING')))
                        * 1000)::bigint
                """)
            .param("job", job)
            .param("attempt", attempt)
            .query(Long.class)
            .optional()
            .orElse(null);
    return java.time.Duration.ofMillis(ms == null ? 0 : Math.max(0, ms));
  }

  /**
   * Whether the job's pool has a READY node, neither placed for the job nor excluded from it, with
   * at least the job's chips per node free.
   */
  boolean spareNode(Job job) {
    return Boolean.TRUE.equals(
        jdbc.sql(
                """
                SELECT EXISTS (
                  SELECT 1 FROM nodes n, jobs j
                   WHERE j.id = :job AND n.pool = :pool AND n.state = 'READY'
                     AND NOT (n.name = ANY (j.excluded_nodes))
                     AND NOT (n.name = ANY (string_to_array(:placed, ',')))
                     AND cardinality(n.chip_indexes)
                         - (SELECT count(*) FROM allocations a WHERE a.node = n.name) >= :chips)
                """)
            .param("job", job.id())
            .param("pool", job.spec().pool())
            .param(
                "placed",
                String.join(",", job.placement().stream().map(Job.Placement::node).toList()))
            .param("chips", job.spec().chipsPerNode())
            .query(Boolean.class)
            .single());
  }
}
