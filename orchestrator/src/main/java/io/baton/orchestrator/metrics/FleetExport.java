package io.baton.orchestrator.metrics;

import io.baton.orchestrator.metrics.FleetSnapshot.ChipRow;
import io.baton.orchestrator.metrics.FleetSnapshot.EndpointRow;
import io.baton.orchestrator.metrics.FleetSnapshot.GateRow;
import io.baton.orchestrator.metrics.FleetSnapshot.JobRow;
import io.baton.orchestrator.metrics.FleetSnapshot.Link;
import io.baton.orchestrator.metrics.FleetSnapshot.PoolRow;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a {@link FleetSnapshot} into Prometheus gauge families, once per refresh: a scrape then
 * only writes out what is already built. Chip families are named like the vendors' exporters
 * (state-set style health, one gauge per reading, base units: bytes, ratios, celsius, watts).
 */
final class FleetExport {

  static final double MIB = 1024 * 1024;

  /** Every family this export can produce, for the registry's name checks and the docs. */
  static final List<String> NAMES =
      List.of(
          "baton_chip_health",
          "baton_chip_temperature_celsius",
          "baton_chip_power_watts",
          "baton_chip_hbm_used_bytes",
          "baton_chip_hbm_total_bytes",
          "baton_chip_utilization_ratio",
          "baton_chip_link_up",
          "baton_node_last_report_timestamp_seconds",
          "baton_pool_chips",
          "baton_pool_chips_schedulable",
          "baton_pool_chips_allocated",
          "baton_pool_chips_isolated",
          "baton_pool_nodes",
          "baton_pool_nodes_isolated",
          "baton_pool_jobs",
          "baton_pool_queue_jobs",
          "baton_pool_queue_oldest_wait_seconds",
          "baton_job_step",
          "baton_job_total_steps",
          "baton_job_samples_per_second",
          "baton_job_restarts",
          "baton_job_steps_lost",
          "baton_promotions",
          "baton_promotion_gates",
          "baton_promotion_gate_running_seconds",
          "baton_rollouts",
          "baton_endpoint_replicas",
          "baton_endpoint_revision",
          "baton_fleet_metrics_age_seconds");

  private FleetExport() {}

  /** The families of a reading, but its age (see {@link #age}). */
  static List<MetricSnapshot> export(FleetSnapshot fleet, Instant now) {
    List<MetricSnapshot> families = new ArrayList<>(NAMES.size());
    chips(fleet.chips(), families);
    families.add(
        gauge(
            "baton_node_last_report_timestamp_seconds",
            "When the node's agent last reported (Unix time); absent before its first report",
            fleet.nodes().stream().filter(n -> n.lastReportAt() != null).toList(),
            n -> point(seconds(n.lastReportAt()), "pool", n.pool(), "node", n.node())));
    pools(fleet.pools(), now, families);
    jobs(fleet.jobs(), families);
    promotions(fleet, now, families);
    endpoints(fleet.endpoints(), families);
    return List.copyOf(families);
  }

  /** How old a reading is at a scrape. */
  static MetricSnapshot age(Instant readAt, Instant now) {
    return family(
        "baton_fleet_metrics_age_seconds",
        "How old the fleet gauges (chips, nodes, pools, jobs, promotions, endpoints) are",
        List.of(point(Math.max(0, Duration.between(readAt, now).toMillis() / 1000.0))));
  }

  /**
   * Chips in the order of their labels ({@code chip}, then {@code node}, then {@code pool}: label
   * names sort alphabetically in a series), so that each family's points are built already sorted:
   * a {@link MetricSnapshot} sorts its points by labels, and sorting 40,000 chips' points from node
   * order took three quarters of a refresh at 5,000 nodes.
   */
  static final Comparator<ChipRow> LABEL_ORDER =
      Comparator.comparing(ChipRow::chip)
          .thenComparing(ChipRow::node)
          .thenComparing(ChipRow::pool, Comparator.nullsFirst(Comparator.naturalOrder()));

  private static void chips(List<ChipRow> unsorted, List<MetricSnapshot> families) {
    List<ChipRow> chips = new ArrayList<>(unsorted);
    chips.sort(LABEL_ORDER);
    List<GaugeDataPointSnapshot> health = new ArrayList<>(chips.size());
    List<GaugeDataPointSnapshot> temperature = new ArrayList<>(chips.size());
    List<GaugeDataPointSnapshot> power = new ArrayList<>(chips.size());
    List<GaugeDataPointSnapshot> used = new ArrayList<>(chips.size());
    List<GaugeDataPointSnapshot> total = new ArrayList<>(chips.size());
    List<GaugeDataPointSnapshot> utilization = new ArrayList<>(chips.size());
    List<GaugeDataPointSnapshot> links = new ArrayList<>(chips.size());
    List<Labels> labels = new ArrayList<>(chips.size());
    for (ChipRow c : chips) {
      Labels chip = Labels.of("chip", c.chip(), "node", c.node(), "pool", c.pool());
      labels.add(chip);
      add(temperature, c.temperatureCelsius(), 1, chip);
      add(power, c.powerWatts(), 1, chip);
      add(used, c.hbmUsedMib(), MIB, chip);
      add(total, c.hbmTotalMib(), MIB, chip);
      add(utilization, c.utilizationPct(), 0.01, chip);
    }
    // "health" and "link" sort between "chip" and "node": within each chip index, the points go
    // by health (or link name) first, then in the chips' order.
    for (int from = 0, to; from < chips.size(); from = to) {
      String index = chips.get(from).chip();
      to = from;
      while (to < chips.size() && chips.get(to).chip().equals(index)) {
        to++;
      }
      java.util.SortedSet<String> states = new java.util.TreeSet<>();
      java.util.SortedSet<String> names = new java.util.TreeSet<>();
      for (int i = from; i < to; i++) {
        states.add(chips.get(i).health());
        chips.get(i).links().forEach(l -> names.add(l.name()));
      }
      for (String state : states) {
        for (int i = from; i < to; i++) {
          if (chips.get(i).health().equals(state)) {
            health.add(new GaugeDataPointSnapshot(1, labels.get(i).add("health", state), null));
          }
        }
      }
      for (String name : names) {
        for (int i = from; i < to; i++) {
          for (Link link : chips.get(i).links()) {
            if (link.name().equals(name)) {
              links.add(
                  new GaugeDataPointSnapshot(
                      link.up() ? 1 : 0, labels.get(i).add("link", name), null));
            }
          }
        }
      }
    }
    families.add(
        family(
            "baton_chip_health",
            "1 for the chip's current health (OK, WARNING, FAULT or UNKNOWN); one series per chip,"
                + " so sum by (health) counts chips and {health=\"FAULT\"} == 1 lists faulty ones",
            health));
    families.add(family("baton_chip_temperature_celsius", "Chip temperature", temperature));
    families.add(family("baton_chip_power_watts", "Chip power draw", power));
    families.add(family("baton_chip_hbm_used_bytes", "HBM (device memory) in use", used));
    families.add(family("baton_chip_hbm_total_bytes", "HBM (device memory) in all", total));
    families.add(
        family(
            "baton_chip_utilization_ratio",
            "AI-core (Ascend) or GPU utilization, 0 to 1",
            utilization));
    families.add(
        family(
            "baton_chip_link_up",
            "1 when the chip's link (NVLink, RoCE port, network health) is UP, 0 when DOWN;"
                + " links read UNKNOWN are left out",
            links));
  }

  private static void pools(List<PoolRow> pools, Instant now, List<MetricSnapshot> families) {
    List<GaugeDataPointSnapshot> chips = new ArrayList<>();
    List<GaugeDataPointSnapshot> nodes = new ArrayList<>();
    List<GaugeDataPointSnapshot> jobs = new ArrayList<>();
    List<GaugeDataPointSnapshot> oldest = new ArrayList<>();
    for (PoolRow p : pools) {
      p.chipsByHealth().forEach((h, n) -> chips.add(point(n, "health", h, "pool", p.pool())));
      p.nodesByState().forEach((s, n) -> nodes.add(point(n, "pool", p.pool(), "state", s)));
      p.jobsByState().forEach((s, n) -> jobs.add(point(n, "pool", p.pool(), "state", s)));
      oldest.add(
          point(
              p.oldestQueuedAt() == null
                  ? 0
                  : Math.max(0, Duration.between(p.oldestQueuedAt(), now).toMillis() / 1000.0),
              "pool",
              p.pool()));
    }
    families.add(family("baton_pool_chips", "Chips of the pool by health", chips));
    families.add(
        gauge(
            "baton_pool_chips_schedulable",
            "Healthy chips of READY nodes that no isolation holds back",
            pools,
            p -> point(p.chipsSchedulable(), "pool", p.pool())));
    families.add(
        gauge(
            "baton_pool_chips_allocated",
            "Chips held by jobs",
            pools,
            p -> point(p.chipsAllocated(), "pool", p.pool())));
    families.add(
        gauge(
            "baton_pool_chips_isolated",
            "Chips the fault policy isolated (whole isolated nodes included)",
            pools,
            p -> point(p.chipsIsolated(), "pool", p.pool())));
    families.add(family("baton_pool_nodes", "Nodes of the pool by state", nodes));
    families.add(
        gauge(
            "baton_pool_nodes_isolated",
            "Nodes the fault policy isolated",
            pools,
            p -> point(p.nodesIsolated(), "pool", p.pool())));
    families.add(family("baton_pool_jobs", "Jobs of the pool not yet ended, by state", jobs));
    families.add(
        gauge(
            "baton_pool_queue_jobs",
            "Jobs waiting for chips (QUEUED, and RECOVERING ones ready to be placed again)",
            pools,
            p -> point(p.queued(), "pool", p.pool())));
    families.add(
        family(
            "baton_pool_queue_oldest_wait_seconds",
            "How long the longest-waiting job of the pool has waited for chips (0: none waits)",
            oldest));
  }

  private static void jobs(List<JobRow> jobs, List<MetricSnapshot> families) {
    List<GaugeDataPointSnapshot> step = new ArrayList<>(jobs.size());
    List<GaugeDataPointSnapshot> total = new ArrayList<>(jobs.size());
    List<GaugeDataPointSnapshot> rate = new ArrayList<>(jobs.size());
    List<GaugeDataPointSnapshot> restarts = new ArrayList<>();
    List<GaugeDataPointSnapshot> lost = new ArrayList<>(jobs.size());
    for (JobRow j : jobs) {
      Labels job = Labels.of("job", j.id(), "name", j.name(), "pool", j.pool(), "team", j.team());
      add(step, j.step() == null ? null : j.step().doubleValue(), 1, job);
      add(total, j.totalSteps() == null ? null : j.totalSteps().doubleValue(), 1, job);
      add(rate, j.samplesPerSecond(), 1, job);
      lost.add(new GaugeDataPointSnapshot(j.stepsLost(), job, null));
      for (Map.Entry<String, Integer> cause : j.restartsByCause().entrySet()) {
        restarts.add(
            new GaugeDataPointSnapshot(cause.getValue(), job.add("cause", cause.getKey()), null));
      }
    }
    families.add(family("baton_job_step", "The job's latest reported step", step));
    families.add(family("baton_job_total_steps", "The steps the job reports it will run", total));
    families.add(
        family("baton_job_samples_per_second", "The job's latest reported throughput", rate));
    families.add(
        family(
            "baton_job_restarts",
            "Failed attempts of the job by cause (hang, straggler, node-lost, chip-fault,"
                + " isolated, backend-restarted, rank-infrastructure, application, other)",
            restarts));
    families.add(
        family("baton_job_steps_lost", "Steps redone because of the job's restarts", lost));
  }

  private static void promotions(FleetSnapshot fleet, Instant now, List<MetricSnapshot> families) {
    families.add(
        gauge(
            "baton_promotions",
            "Promotions Baton keeps, by state",
            List.copyOf(fleet.promotionsByState().entrySet()),
            e -> point(e.getValue(), "state", e.getKey())));
    families.add(
        gauge(
            "baton_promotion_gates",
            "Gates of the promotions Baton keeps, by gate and verdict",
            fleet.gates(),
            g -> point(g.count(), "gate", g.gate(), "verdict", g.verdict())));
    List<GateRow> running =
        fleet.gates().stream().filter(g -> g.oldestRunningSince() != null).toList();
    families.add(
        gauge(
            "baton_promotion_gate_running_seconds",
            "How long the longest-running gate of a promotion in flight has run, by gate and"
                + " verdict (RUNNING, or WAITING for approval)",
            running,
            g ->
                point(
                    Math.max(0, Duration.between(g.oldestRunningSince(), now).toMillis() / 1000.0),
                    "gate",
                    g.gate(),
                    "verdict",
                    g.verdict())));
    families.add(
        gauge(
            "baton_rollouts",
            "Rollouts Baton keeps, by state (PENDING, CANARY and SCALING ones are in flight)",
            List.copyOf(fleet.rolloutsByState().entrySet()),
            e -> point(e.getValue(), "state", e.getKey())));
  }

  private static void endpoints(List<EndpointRow> endpoints, List<MetricSnapshot> families) {
    List<GaugeDataPointSnapshot> replicas = new ArrayList<>();
    List<GaugeDataPointSnapshot> revisions = new ArrayList<>();
    for (EndpointRow e : endpoints) {
      replicas.add(
          point(e.desired(), "endpoint", e.endpoint(), "pool", e.pool(), "state", "desired"));
      replicas.add(point(e.ready(), "endpoint", e.endpoint(), "pool", e.pool(), "state", "ready"));
      revisions.add(
          point(
              e.revision() == null ? 0 : e.revision(), "endpoint", e.endpoint(), "pool", e.pool()));
    }
    families.add(
        family(
            "baton_endpoint_replicas",
            "Replicas of the endpoint: desired, and ready ones of its current revision",
            replicas));
    families.add(
        family(
            "baton_endpoint_revision",
            "The revision the endpoint serves (0: none yet)",
            revisions));
  }

  private static void add(
      List<GaugeDataPointSnapshot> points, Double value, double scale, Labels labels) {
    if (value != null) {
      points.add(new GaugeDataPointSnapshot(value * scale, labels, null));
    }
  }

  private static <T> GaugeSnapshot gauge(
      String name, String help, List<T> rows, Function<T, GaugeDataPointSnapshot> point) {
    List<GaugeDataPointSnapshot> points = new ArrayList<>(rows.size());
    rows.forEach(r -> points.add(point.apply(r)));
    return family(name, help, points);
  }

  private static GaugeSnapshot family(
      String name, String help, List<GaugeDataPointSnapshot> points) {
    return new GaugeSnapshot(new MetricMetadata(name, help), points);
  }

  private static GaugeDataPointSnapshot point(double value, String... labels) {
    return new GaugeDataPointSnapshot(value, Labels.of(labels), null);
  }

  private static double seconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }
}
