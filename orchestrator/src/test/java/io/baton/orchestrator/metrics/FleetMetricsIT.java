package io.baton.orchestrator.metrics;

import static io.baton.orchestrator.support.Reports.aReport;
import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobState;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.Reports;
import io.baton.orchestrator.support.Rows;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The fleet gauges as Prometheus scrapes them from the running orchestrator: after a node reported
 * its chips through the agent endpoint and a job ran, restarted and reported progress, each value
 * is the one reported, under the documented names and labels; jobs ended long ago have no series.
 */
class FleetMetricsIT extends IntegrationTest {

  static final String POOL = "ascend-910b";

  @LocalServerPort int port;
  @Autowired JobLifecycle lifecycle;
  @Autowired JobService jobs;
  @Autowired JdbcClient jdbc;
  @Autowired FleetMetrics fleet;
  @Autowired org.springframework.context.ApplicationContext context;

  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, adminToken());
  }

  @Test
  void chipsNodesPoolsAndJobsAreExportedAsReported() {
    Fleet seen = FleetFixture.seed(api, lifecycle, jobs, new Rows(jdbc));
    String node = seen.node();
    seen.reportNow();
    fleet.refresh();

    String scrape = scrape();
    String chip0 = "{chip=\"0\",node=\"" + node + "\",pool=\"" + POOL + "\"}";
    String chip1 = "{chip=\"1\",node=\"" + node + "\",pool=\"" + POOL + "\"}";
    assertThat(value(scrape, "baton_chip_health", chipLabels(node, 2, "FAULT"))).hasValue(1);
    assertThat(value(scrape, "baton_chip_health", chipLabels(node, 2, "OK")))
        .as("one series per chip: its current health")
        .isEmpty();
    assertThat(value(scrape, "baton_chip_health", chipLabels(node, 0, "OK"))).hasValue(1);
    assertThat(value(scrape, "baton_chip_temperature_celsius", chip0)).hasValue(61);
    assertThat(value(scrape, "baton_chip_power_watts", chip0)).hasValue(90.5);
    assertThat(value(scrape, "baton_chip_hbm_used_bytes", chip0)).hasValue(3400.0 * 1024 * 1024);
    assertThat(value(scrape, "baton_chip_hbm_total_bytes", chip0)).hasValue(65536.0 * 1024 * 1024);
    assertThat(value(scrape, "baton_chip_utilization_ratio", chip0)).hasValue(0.75);
    assertThat(value(scrape, "baton_chip_utilization_ratio", chip1)).isEmpty();
    assertThat(value(scrape, "baton_chip_link_up", linkLabels(node, 0, "roce"))).hasValue(1);
    assertThat(value(scrape, "baton_chip_link_up", linkLabels(node, 1, "roce"))).hasValue(0);
    assertThat(value(scrape, "baton_chip_link_up", linkLabels(node, 1, "net-health")))
        .as("a link read UNKNOWN")
        .isEmpty();
    assertThat(
            value(scrape, "baton_node_last_report_timestamp_seconds", nodeLabels(node))
                .orElse(Double.NaN))
        .isBetween(seen.reportedAfter().getEpochSecond() - 1.0, now());

    assertThat(
            value(scrape, "baton_pool_chips", "{health=\"FAULT\",pool=\"" + POOL + "\"}")
                .orElse(Double.NaN))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(scrape, "baton_pool_queue_jobs", "{pool=\"" + POOL + "\"}")).isPresent();
    assertThat(value(scrape, "baton_pool_queue_oldest_wait_seconds", "{pool=\"" + POOL + "\"}"))
        .isPresent();

    String job = jobLabels(seen.restarted().toString(), seen.team());
    assertThat(value(scrape, "baton_job_step", job)).hasValue(40);
    assertThat(value(scrape, "baton_job_total_steps", job)).hasValue(1000);
    assertThat(value(scrape, "baton_job_samples_per_second", job)).hasValue(800.5);
    assertThat(value(scrape, "baton_job_steps_lost", job)).hasValue(0);
    assertThat(restarts(scrape, seen.restarted().toString(), "chip-fault")).hasValue(1);
    assertThat(scrape).contains("job=\"" + seen.endedLately() + "\"");
    assertThat(scrape)
        .as("a job ended longer ago than baton.metrics.ended-jobs has no series")
        .doesNotContain(seen.endedLongAgo().toString());
    assertThat(scrape).contains("baton_fleet_metrics_age_seconds ");
  }

  @Test
  void ingestLagIsTimedFromArrivalToCommit() {
    FleetFixture.seed(api, lifecycle, jobs, new Rows(jdbc));
    assertThat(sum(scrape(), "baton_ingest_lag_seconds_count")).isGreaterThanOrEqualTo(2);
    assertThat(scrape()).contains("baton_ingest_lag_seconds_bucket{");
  }

  @Test
  void bothTextFormatsCarryEveryFamilyOnceAndNamedScrapesStillWork() {
    assertThat(
            context
                .getBeansOfType(
                    org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus
                        .PrometheusScrapeEndpoint.class)
                .values())
        .as("the endpoint that copies the written fleet families replaces Boot's")
        .singleElement()
        .isInstanceOf(FleetScrapeEndpoint.class);
    Fleet seen = FleetFixture.seed(api, lifecycle, jobs, new Rows(jdbc));
    seen.reportNow();
    fleet.refresh();

    for (String accept :
        List.of(
            "text/plain;version=0.0.4;charset=utf-8",
            "application/openmetrics-text;version=1.0.0;charset=utf-8")) {
      Api.Response response =
          api.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(api.base() + "/actuator/prometheus"))
                  .header("Accept", accept)
                  .GET());
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Content-Type"))
          .hasValueSatisfying(
              type -> assertThat(type).startsWith(accept.substring(0, accept.indexOf(';'))));
      String body = response.body();
      List<String> types = body.lines().filter(l -> l.startsWith("# TYPE ")).toList();
      assertThat(types).as("each family once (%s)", accept).doesNotHaveDuplicates();
      assertThat(types)
          .anyMatch(l -> l.startsWith("# TYPE baton_chip_health "))
          .anyMatch(l -> l.startsWith("# TYPE baton_fleet_metrics_age_seconds "))
          .anyMatch(l -> l.startsWith("# TYPE jvm_memory_used_bytes "));
      assertThat(value(body, "baton_chip_health", chipLabels(seen.node(), 2, "FAULT"))).hasValue(1);
      if (accept.startsWith("application/openmetrics-text")) {
        assertThat(body).endsWith("# EOF\n");
        assertThat(body.split("# EOF", -1)).as("one end line").hasSize(2);
      }
    }
    String named = api.get("/actuator/prometheus?includedNames=baton_pool_chips").body();
    assertThat(named.lines().filter(l -> l.startsWith("# TYPE ")))
        .containsExactly("# TYPE baton_pool_chips gauge");
  }

  private String scrape() {
    return api.get("/actuator/prometheus").body();
  }

  private static double now() {
    return Instant.now().toEpochMilli() / 1000.0 + 1;
  }

  static String chipLabels(String node, int chip, String health) {
    return "{chip=\""
        + chip
        + "\",health=\""
        + health
        + "\",node=\""
        + node
        + "\",pool=\""
        + POOL
        + "\"}";
  }

  static String linkLabels(String node, int chip, String link) {
    return "{chip=\""
        + chip
        + "\",link=\""
        + link
        + "\",node=\""
        + node
        + "\",pool=\""
        + POOL
        + "\"}";
  }

  static String nodeLabels(String node) {
    return "{node=\"" + node + "\",pool=\"" + POOL + "\"}";
  }

  static String jobLabels(String id, String team) {
    return "{job=\"" + id + "\",name=\"metrics\",pool=\"" + POOL + "\",team=\"" + team + "\"}";
  }

  private static OptionalDouble restarts(String scrape, String job, String cause) {
    Matcher m =
        Pattern.compile(
                "^baton_job_restarts\\{cause=\""
                    + cause
                    + "\",job=\""
                    + job
                    + "\",[^}]*\\} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(scrape);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  /** The sum of the samples named {@code name}, whatever their labels. */
  static double sum(String scrape, String name) {
    Matcher m =
        Pattern.compile("^" + name + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(2));
    }
    return sum;
  }

  /** The value of the sample {@code name + labels} (labels as Prometheus writes them, sorted). */
  static OptionalDouble value(String scrape, String name, String labels) {
    String prefix = name + labels + " ";
    for (String line : scrape.split("\n")) {
      if (line.startsWith(prefix)) {
        return OptionalDouble.of(Double.parseDouble(line.substring(prefix.length()).trim()));
      }
    }
    return OptionalDouble.empty();
  }

  /** What the fixture made: a node, jobs, their team, when the node reported. */
  record Fleet(
      String node,
      String team,
      UUID restarted,
      UUID endedLately,
      UUID endedLongAgo,
      Instant reportedAfter,
      Runnable reportAgain) {

    /**
     * The node reports once more, so it is READY when the gauges are read: the shared context marks
     * a node LOST 3 s after its last report (chips UNKNOWN, no vendor readings).
     */
    void reportNow() {
      reportAgain.run();
    }
  }

  /**
   * Makes every fleet family exist: a node reports eight chips (one FAULT, links UP, DOWN and
   * UNKNOWN, vendor readings) through the agent endpoint; a job placed on it reports progress and
   * restarts after a chip fault; two jobs end, one lately and one long ago; a checkpoint of the job
   * is promoted (and rejected: its file does not exist); a webhook's deliveries fail.
   */
  static final class FleetFixture {

    private FleetFixture() {}

    static Fleet seed(Api api, JobLifecycle lifecycle, JobService jobs, Rows rows) {
      String team = "m" + UUID.randomUUID().toString().substring(0, 8);
      Instant before = Instant.now();
      String name = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
      JsonNode issued =
          api.post("/api/v1/admin/nodes/" + name + "/tokens", "{\"pool\":\"" + POOL + "\"}").json();
      String token = issued.get("token").asString();
      Reports report =
          aReport(name)
              .chip(2, "FAULT")
              .reading(0, "tempC", 61)
              .reading(0, "utilizationPct", 75)
              .link(0, "roce", "UP", Map.of())
              .link(1, "roce", "DOWN", Map.of("crc", 3L))
              .link(1, "net-health", "UNKNOWN", Map.of());
      assertThat(post(api, token, report.seq(0)).status()).isEqualTo(200);

      UUID restarted = submit(api, team);
      lifecycle.admit(restarted, jobs.get(restarted).version(), placement(name, 0, 1), "test");
      assertThat(
              post(api, token, report.seq(1).progress(restarted, 40, 0.5).checkpoint(restarted, 40))
                  .status())
          .isEqualTo(200);
      move(lifecycle, jobs, restarted, JobState.STARTING, JobState.RUNNING);
      lifecycle.recover(
          restarted,
          jobs.get(restarted).version(),
          true,
          "infrastructure failure: chip " + name + "/2 FAULT",
          "test");

      UUID endedLately = submit(api, team);
      lifecycle.admit(endedLately, jobs.get(endedLately).version(), placement(name, 3), "test");
      move(lifecycle, jobs, endedLately, JobState.CANCELLING, JobState.CANCELLED);
      UUID endedLongAgo = submit(api, team);
      lifecycle.admit(endedLongAgo, jobs.get(endedLongAgo).version(), placement(name, 4), "test");
      move(lifecycle, jobs, endedLongAgo, JobState.CANCELLING, JobState.CANCELLED);
      rows.lastChanged(endedLongAgo, Instant.now().minus(Duration.ofHours(2)));
      long[] seq = {2};
      Runnable again =
          () -> assertThat(post(api, token, report.seq(seq[0]++)).status()).isEqualTo(200);
      return new Fleet(name, team, restarted, endedLately, endedLongAgo, before, again);
    }

    private static Api.Response post(Api api, String token, Reports report) {
      return api.post("/api/v1/agents/reports", report.json(), "Authorization", "Bearer " + token);
    }

    private static UUID submit(Api api, String team) {
      return UUID.fromString(
          api.post("/api/v1/jobs", aSpec().with("name", "metrics").with("team", team).json())
              .json()
              .get("id")
              .asString());
    }

    private static List<Job.Placement> placement(String node, Integer... chips) {
      return List.of(new Job.Placement(node, List.of(chips)));
    }

    private static void move(
        JobLifecycle lifecycle, JobService jobs, UUID job, JobState... states) {
      for (JobState to : states) {
        lifecycle.transition(job, jobs.get(job).version(), to, "test", "test");
      }
    }
  }

  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
