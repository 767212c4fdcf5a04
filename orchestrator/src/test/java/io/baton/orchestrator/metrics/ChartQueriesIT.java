package io.baton.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.goodput.GoodputService;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.Rows;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every metric a panel of the chart's Grafana dashboards or an alert of its PrometheusRule queries
 * is one the running orchestrator serves on {@code /actuator/prometheus}, once it has seen nodes,
 * jobs (running, restarted, ended and accounted), a promotion and a failed webhook delivery, so
 * every family exists. It lives here, not in deploy-tests, because it needs the real orchestrator:
 * the chart's files are read from {@code ../helm/baton}, as plain files (no Helm needed: the rule
 * template's expressions are one line each, their value placeholders replaced by a number).
 */
class ChartQueriesIT extends IntegrationTest {

  static final Path CHART = Path.of("..", "helm", "baton");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern EXPR = Pattern.compile("^\\s*expr:\\s*(.+)$", Pattern.MULTILINE);

  @LocalServerPort int port;
  @Autowired JobLifecycle lifecycle;
  @Autowired JobService jobs;
  @Autowired JdbcClient jdbc;
  @Autowired FleetMetrics fleet;
  @Autowired GoodputService goodput;

  @Test
  void everyMetricTheDashboardsAndAlertsQueryIsExported() throws Exception {
    Api api = new Api(port, adminToken());
    FleetMetricsIT.Fleet seen =
        FleetMetricsIT.FleetFixture.seed(api, lifecycle, jobs, new Rows(jdbc));
    String webhook = failingWebhook(api);
    try {
      promote(api, seen);
      servedEndpoint(seen);
      goodput.accountFinished(1000);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> failedDeliveries(api.get("/actuator/prometheus").body()) > 0);
      seen.reportNow();
      fleet.refresh();
      Set<String> exported = sampleNames(api.get("/actuator/prometheus").body());

      Map<String, Set<String>> queried = queried();
      assertThat(queried).as("queries found in the chart").hasSizeGreaterThan(40);
      Set<String> names = new TreeSet<>();
      queried.values().forEach(names::addAll);
      assertThat(names).as("metrics the chart queries").hasSizeGreaterThan(25);
      Map<String, Set<String>> missing = new TreeMap<>();
      queried.forEach(
          (query, metrics) -> {
            Set<String> absent = new TreeSet<>(metrics);
            absent.removeAll(exported);
            if (!absent.isEmpty()) {
              missing.put(query, absent);
            }
          });
      assertThat(missing).as("queries of metrics the orchestrator does not export").isEmpty();
    } finally {
      api.send(HttpRequest.newBuilder(api.uri("/api/v1/webhooks/" + webhook)).DELETE());
    }
  }

  /** Each query of the dashboards and the rule, with the metric names it reads. */
  static Map<String, Set<String>> queried() throws IOException {
    Map<String, Set<String>> queries = new TreeMap<>();
    List<Path> dashboards;
    try (Stream<Path> files = Files.list(CHART.resolve("dashboards"))) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(dashboards).as("dashboards in the chart").hasSize(4);
    for (Path file : dashboards) {
      JsonNode dashboard = JSON.readTree(Files.readString(file));
      List<String> exprs = new ArrayList<>();
      for (JsonNode target : dashboard.findValues("targets")) {
        target.forEach(t -> exprs.add(t.get("expr").asString()));
      }
      for (JsonNode variable : dashboard.at("/templating/list")) {
        if (variable.get("type").asString().equals("query")) {
          exprs.add(variable.at("/query/query").asString());
        }
      }
      assertThat(exprs).as("queries of %s", file).isNotEmpty();
      exprs.forEach(e -> queries.put(e, PromQl.metricNames(e)));
    }
    String rules = Files.readString(CHART.resolve("templates/prometheusrule.yaml"));
    Matcher expr = EXPR.matcher(rules);
    int alerts = 0;
    while (expr.find()) {
      String promql = expr.group(1).replaceAll("\\{\\{.*?}}", "1");
      queries.put(promql, PromQl.metricNames(promql));
      alerts++;
    }
    assertThat(alerts).as("alert expressions").isGreaterThanOrEqualTo(7);
    return queries;
  }

  /** Names of the samples of a scrape: families with their {@code _bucket}, {@code _count}, … */
  static Set<String> sampleNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        int end = line.indexOf('{');
        names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
      }
    }
    return names;
  }

  private static String failingWebhook(Api api) throws IOException {
    String url = "http://127.0.0.1:" + FleetMetricsIT.closedPort() + "/hook";
    Api.Response created =
        api.post(
            "/api/v1/webhooks",
            JSON.writeValueAsString(Map.of("url", url, "events", List.of("job.state"))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    api.post("/api/v1/jobs", io.baton.orchestrator.support.Specs.aSpec().json());
    return created.json().get("id").asString();
  }

  /** Promotes the fixture's checkpoint: the promotion exists and runs its first gate. */
  private static void promote(Api api, FleetMetricsIT.Fleet seen) {
    JsonNode checkpoints = api.get("/api/v1/checkpoints?jobId=" + seen.restarted()).json();
    String checkpoint = checkpoints.at("/items/0/id").asString();
    Api.Response promotion =
        api.post(
            "/api/v1/promotions",
            "{\"checkpointId\":\""
                + checkpoint
                + "\",\"endpoint\":\"metrics-"
                + seen.team()
                + "\"}");
    assertThat(promotion.status()).as(promotion.body()).isEqualTo(201);
  }

  /**
   * An endpoint that served a revision (rolled out) and a promotion waiting for approval, written
   * the way the promotion runner and the rollout write them: the endpoint loop starts nothing for
   * an endpoint row without a current revision.
   */
  private void servedEndpoint(FleetMetricsIT.Fleet seen) {
    Rows rows = new Rows(jdbc);
    String endpoint = "metrics-" + seen.team();
    java.util.UUID checkpoint = rows.checkpoint(seen.endedLately(), 10);
    rows.endpoint(endpoint);
    rows.revision(endpoint, 1, checkpoint, seen.endedLately());
    rows.succeededRollout(endpoint, 1, java.time.Instant.now());
    java.util.UUID promotion =
        rows.promotion(
            seen.endedLately(), checkpoint, "AWAITING_APPROVAL", java.time.Instant.now());
    jdbc.sql(
            """
            UPDATE promotions SET gates = CAST(:gates AS jsonb) WHERE id = :id
            """)
        .param(
            "gates",
            "[{\"name\":\"AWAITING_APPROVAL\",\"verdict\":\"WAITING\",\"evidence\":{},"
                + "\"startedAt\":\""
                + java.time.Instant.now().minusSeconds(90)
                + "\",\"endedAt\":null}]")
        .param("id", promotion)
        .update();
  }

  private static double failedDeliveries(String scrape) {
    double failed = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("baton_webhook_deliveries_total{")
          && line.contains("outcome=\"failed\"")) {
        failed += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return failed;
  }
}
