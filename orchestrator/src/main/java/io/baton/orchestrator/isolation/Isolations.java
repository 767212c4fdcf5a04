package io.baton.orchestrator.isolation;

import io.baton.orchestrator.cluster.FaultFindings;
import io.baton.orchestrator.cluster.IsolatedChips;
import io.baton.orchestrator.faults.Signal;
import io.baton.orchestrator.leadership.Fences;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Chips and nodes the fault policy took out of placement ({@code isolations}), the signals each
 * chip shows now ({@code fault_signals}) and the occurrences the flap windows count ({@code
 * fault_occurrences}). The planner, the runner and the Kubernetes fencer read {@link #isolated()}.
 */
@Repository
class Isolations implements IsolatedChips, FaultFindings {

  /** The chip number of a whole node's isolation. */
  public static final int NODE = -1;

  private final JdbcClient jdbc;

  Isolations(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One isolation. {@code chip} is {@link #NODE} for a whole node. */
  public record Isolation(
      String node,
      int chip,
      String pool,
      String reason,
      Instant isolatedAt,
      Instant healthySince,
      boolean held) {

    public String subject() {
      return chip == NODE ? "node/" + node : "node/" + node + "/chips/" + chip;
    }
  }

  /** Isolated chips by node; a node isolated as a whole holds {@link #NODE}. */
  @Override
  public Map<String, Set<Integer>> isolated() {
    Map<String, Set<Integer>> isolated = new HashMap<>();
    jdbc.sql("SELECT node, chip FROM isolations")
        .query(
            rs -> {
              isolated.computeIfAbsent(rs.getString(1), n -> new HashSet<>()).add(rs.getInt(2));
            });
    return isolated;
  }

  public List<Isolation> all() {
    return jdbc.sql(
            "SELECT node, chip, pool, reason, isolated_at, healthy_since, held FROM isolations ORDER BY node, chip")
        .query(
            (rs, n) ->
                new Isolation(
                    rs.getString(1),
                    rs.getInt(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getTimestamp(5).toInstant(),
                    rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(),
                    rs.getBoolean(7)))
        .list();
  }

  public Optional<Isolation> find(String node, int chip) {
    return all().stream().filter(i -> i.node().equals(node) && i.chip() == chip).findFirst();
  }

  /**
   * Isolates; false when it already was. Made by the fault responder, an owned loop: fenced ({@link
   * Fences}), so a replica that lost its lease cannot isolate on stale beliefs.
   *
   * @throws io.baton.orchestrator.leadership.LeaseLost when the fence refused the write
   */
  boolean isolate(String node, int chip, String pool, String reason, Instant at) {
    boolean inserted =
        Fences.bind(
                    jdbc.sql(
                            """
                            INSERT INTO isolations (node, chip, pool, reason, isolated_at)
                            SELECT :node, :chip, :pool, :reason, :at WHERE TRUE
                            """
                                + Fences.and()
                                + " ON CONFLICT DO NOTHING")
                        .param("node", node)
                        .param("chip", chip)
                        .param("pool", pool)
                        .param("reason", reason)
                        .param("at", Timestamp.from(at)))
                .update()
            == 1;
    if (!inserted) {
      Fences.verify(jdbc);
    }
    return inserted;
  }

  /** Marks since when an isolated chip is healthy (null: unhealthy again); fenced like isolate. */
  void healthySince(String node, int chip, Instant since) {
    int changed =
        Fences.bind(
                jdbc.sql(
                        "UPDATE isolations SET healthy_since = CAST(:since AS timestamptz) WHERE node = :node"
                            + " AND chip = :chip"
                            + Fences.and())
                    .param("since", since == null ? null : Timestamp.from(since))
                    .param("node", node)
                    .param("chip", chip))
            .update();
    if (changed == 0) {
      Fences.verify(jdbc);
    }
  }

  /** Sets or lifts an operator's hold; false when there is no such isolation. */
  boolean hold(String node, int chip, boolean held) {
    return jdbc.sql("UPDATE isolations SET held = :held WHERE node = :node AND chip = :chip")
            .param("held", held)
            .param("node", node)
            .param("chip", chip)
            .update()
        == 1;
  }

  /** Lifts an isolation; fenced like isolate when the fault responder does it. */
  boolean release(String node, int chip) {
    boolean deleted =
        Fences.bind(
                    jdbc.sql(
                            "DELETE FROM isolations WHERE node = :node AND chip = :chip"
                                + Fences.and())
                        .param("node", node)
                        .param("chip", chip))
                .update()
            == 1;
    if (!deleted) {
      Fences.verify(jdbc);
    }
    return deleted;
  }

  /**
   * Asks the runner to restart the current attempt of each job holding the chip (every chip of the
   * node for {@link #NODE}); returns how many jobs that is.
   */
  int requestRestart(String node, int chip, String reason, Instant at) {
    return jdbc.sql(
            """
            INSERT INTO fault_restarts (job_id, attempt, reason, at)
            SELECT DISTINCT j.id, j.attempt, CAST(:reason AS text), CAST(:at AS timestamptz)
              FROM allocations a JOIN jobs j ON j.id = a.job_id
             WHERE a.node = :node AND (a.chip = :chip OR :chip = -1)
            ON CONFLICT DO NOTHING
            """)
        .param("reason", reason)
        .param("at", Timestamp.from(at))
        .param("node", node)
        .param("chip", chip)
        .update();
  }

  /** Asks the runner to restart one attempt of a job (if it is still the current one). */
  void requestRestart(UUID job, int attempt, String reason, Instant at) {
    jdbc.sql(
            """
            INSERT INTO fault_restarts (job_id, attempt, reason, at)
            VALUES (:job, :attempt, :reason, :at) ON CONFLICT DO NOTHING
            """)
        .param("job", job)
        .param("attempt", attempt)
        .param("reason", reason)
        .param("at", Timestamp.from(at))
        .update();
  }

  /** The signals each chip of {@code node} showed at the last look, as {@code chip -> keys}. */
  Map<Integer, Set<String>> signals(String node) {
    Map<Integer, Set<String>> signals = new HashMap<>();
    jdbc.sql("SELECT chip, signal FROM fault_signals WHERE node = :node")
        .param("node", node)
        .query(
            rs -> {
              signals.computeIfAbsent(rs.getInt(1), c -> new HashSet<>()).add(rs.getString(2));
            });
    return signals;
  }

  void showSignal(String node, int chip, String signal, Instant at) {
    jdbc.sql(
            """
            INSERT INTO fault_signals (node, chip, signal, since) VALUES (:node, :chip, :signal, :at)
            ON CONFLICT DO NOTHING
            """)
        .param("node", node)
        .param("chip", chip)
        .param("signal", signal)
        .param("at", Timestamp.from(at))
        .update();
    jdbc.sql(
            "INSERT INTO fault_occurrences (node, chip, signal, at) VALUES (:node, :chip, :signal, :at)")
        .param("node", node)
        .param("chip", chip)
        .param("signal", signal)
        .param("at", Timestamp.from(at))
        .update();
  }

  void clearSignal(String node, int chip, String signal) {
    jdbc.sql("DELETE FROM fault_signals WHERE node = :node AND chip = :chip AND signal = :signal")
        .param("node", node)
        .param("chip", chip)
        .param("signal", signal)
        .update();
  }

  /** Occurrences on {@code node} since {@code from}, as (chip, signal, at). */
  List<Occurrence> occurrences(String node, Instant from) {
    List<Occurrence> list = new ArrayList<>();
    jdbc.sql("SELECT chip, signal, at FROM fault_occurrences WHERE node = :node AND at > :from")
        .param("node", node)
        .param("from", Timestamp.from(from))
        .query(
            (org.springframework.jdbc.core.RowCallbackHandler)
                rs ->
                    list.add(
                        new Occurrence(
                            rs.getInt(1), rs.getString(2), rs.getTimestamp(3).toInstant())));
    return list;
  }

  record Occurrence(int chip, String signal, Instant at) {}

  /**
   * One of Baton's own findings the runner recorded and the fault responder has not judged yet.
   * {@code chip} is {@link #NODE} for a node-wide one (a hang).
   */
  record Finding(
      long id, String node, int chip, Signal signal, Instant at, UUID job, int attempt) {}

  /** Findings not judged yet, oldest first. */
  List<Finding> unjudged() {
    return jdbc.sql(
            """
            SELECT id, node, chip, signal, at, job_id, coalesce(attempt, 0)
              FROM fault_occurrences WHERE NOT judged ORDER BY id LIMIT 1000
            """)
        .query(
            (rs, n) ->
                new Finding(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getInt(3),
                    Signal.parse(rs.getString(4)),
                    rs.getTimestamp(5).toInstant(),
                    rs.getObject(6, UUID.class),
                    rs.getInt(7)))
        .list();
  }

  void judged(long id) {
    jdbc.sql("UPDATE fault_occurrences SET judged = true WHERE id = :id").param("id", id).update();
  }

  /** One of the runner's findings, unjudged, for the fault responder's next pass. */
  @Override
  public void record(String node, int chip, String signal, UUID job, int attempt, Instant at) {
    jdbc.sql(
            """
            INSERT INTO fault_occurrences (node, chip, signal, at, judged, job_id, attempt)
            VALUES (:node, :chip, :signal, :at, false, :job, :attempt)
            """)
        .param("node", node)
        .param("chip", chip)
        .param("signal", signal)
        .param("at", Timestamp.from(at))
        .param("job", job)
        .param("attempt", attempt)
        .update();
  }
}
