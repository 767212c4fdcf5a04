package io.baton.orchestrator.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the fleet gauges show, read from the database in one refresh: every replica would read the
 * same, so they show the cluster's state, not the part one replica happened to ingest.
 */
record FleetSnapshot(
    Instant readAt,
    List<ChipRow> chips,
    List<NodeRow> nodes,
    List<PoolRow> pools,
    List<JobRow> jobs,
    Map<String, Long> promotionsByState,
    List<GateRow> gates,
    Map<String, Long> rolloutsByState,
    List<EndpointRow> endpoints) {

  /**
   * One chip as its node last reported it. {@code health} is the normalized health the scheduler
   * trusts (UNKNOWN on a LOST node); the vendor values are null when the tool printed none or the
   * node is not READY (a lost node's last values are not the chip's now).
   *
   * @param links the chip's links as {@code name state} pairs (UP or DOWN; UNKNOWN left out)
   */
  record ChipRow(
      String pool,
      String node,
      String chip,
      String health,
      Double temperatureCelsius,
      Double powerWatts,
      Double hbmUsedMib,
      Double hbmTotalMib,
      Double utilizationPct,
      List<Link> links) {}

  record Link(String name, boolean up) {}

  /** A node's last report time (null: it never reported) and lifecycle state. */
  record NodeRow(String pool, String node, String state, Instant lastReportAt) {}

  /**
   * A pool's chips, nodes and queue.
   *
   * @param chipsByHealth OK, WARNING, FAULT and UNKNOWN chips
   * @param jobsByState jobs not yet ended, by state
   * @param queued jobs waiting for chips (QUEUED, and RECOVERING ones ready to be placed again)
   * @param oldestQueuedAt when the longest-waiting of them started waiting (null: none waits)
   */
  record PoolRow(
      String pool,
      Map<String, Integer> chipsByHealth,
      int chipsSchedulable,
      int chipsAllocated,
      int chipsIsolated,
      Map<String, Integer> nodesByState,
      int nodesIsolated,
      Map<String, Long> jobsByState,
      long queued,
      Instant oldestQueuedAt) {}

  /**
   * A job that has run and is not over (or ended only lately).
   *
   * @param restartsByCause failed attempts by {@link RestartCause} label
   */
  record JobRow(
      String id,
      String name,
      String team,
      String pool,
      String state,
      Long step,
      Long totalSteps,
      Double samplesPerSecond,
      long stepsLost,
      Map<String, Integer> restartsByCause) {}

  /**
   * Gates of the promotions Baton keeps, by gate and verdict.
   *
   * @param oldestRunningSince when the longest-running of the still running gates (of promotions in
   *     flight) started; null when none runs
   */
  record GateRow(String gate, String verdict, long count, Instant oldestRunningSince) {}

  /** An endpoint: replicas wanted, replicas of its current revision ready, that revision. */
  record EndpointRow(String endpoint, String pool, int desired, int ready, Integer revision) {}
}
