package io.baton.bench;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./bench/run dashboard [--nodes N] [--jobs N] [--api-jobs N]}: a fleet of 5,000 nodes × 8
 * chips reporting every 4 s through the agent endpoint ({@code baton-agent simulate}) and 100,000
 * jobs, 5,000 of them placed (the fleet full, one job per node), the rest queued. The placed jobs
 * and 1,000 queued ones are submitted through the API; the other queued ones are copies of those,
 * inserted in SQL: the API takes some 30 ms per submit on this kind of machine under load (one
 * fsync'd transaction each), so 100,000 would take most of an hour of seeding. Then the time of
 * {@code /actuator/prometheus} scrapes. The seeding ({@link #seed}) is shared by every measurement:
 * each is a method taking the seeded {@link Fleet} and adding its figures, so measurements of the
 * web dashboard's pages in a browser can be added next to {@link #scrapes}. Last line: one JSON
 * object.
 */
final class DashboardBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final String POOL = "fleet";
  private static final int SCRAPES = 9;

  private DashboardBench() {}

  /** The seeded orchestrator, its agents and what seeding took. */
  record Fleet(Orchestrator orchestrator, Process agents, int nodes, int jobs, int placed)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      agents.destroy();
      agents.waitFor();
      orchestrator.close();
    }
  }

  static void run(Path root, String[] args) throws Exception {
    int nodes = arg(args, "--nodes", 5_000);
    int jobs = arg(args, "--jobs", 100_000);
    int apiJobs = Math.min(jobs, arg(args, "--api-jobs", nodes + 1_000));
    Path work = Files.createTempDirectory("baton-bench-dashboard-");
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", "dashboard");
    List<String[]> table = new ArrayList<>();
    try (Fleet fleet = seed(root, work, nodes, jobs, apiJobs, figures, table)) {
      scrapes(fleet, figures, table);
      DashboardPages.measure(fleet, figures, table);
    }
    System.out.println();
    for (String[] row : table) {
      System.out.printf(Locale.ROOT, "%-44s %s%n", row[0], row[1]);
    }
    System.out.println(JSON.writeValueAsString(figures));
  }

  /**
   * Starts the orchestrator (scheduler and recovery driven by hand, so the fleet stays as seeded),
   * registers the nodes and starts their simulated agents, submits the jobs through the API with 16
   * clients, and places what fits with one scheduler round.
   */
  static Fleet seed(
      Path root,
      Path work,
      int nodes,
      int jobs,
      int apiJobs,
      Map<String, Object> figures,
      List<String[]> table)
      throws Exception {
    int databasePort = Orchestrator.freePort();
    Orchestrator orchestrator =
        Orchestrator.start(
            root,
            work.resolve("data"),
            "--baton.embedded-postgres.port=" + databasePort,
            "--baton.scheduler.automatic=false",
            "--baton.recovery.automatic=false",
            "--baton.cluster.local.agents=false",
            "--baton.nodes.timeout=1m",
            "--baton.pools[0].name=" + POOL,
            "--baton.pools[0].role=TRAINING",
            "--baton.pools[0].accelerator=ascend-910b",
            "--baton.pools[0].nodes=" + nodes,
            "--baton.pools[0].chips-per-node=8",
            "--baton.pools[0].resource-name=huawei.com/Ascend910");
    Process agents = null;
    try {
      Instant started = Instant.now();
      Path tokens = orchestrator.issueTokens(POOL, POOL + "-", nodes, work.resolve("tokens.txt"));
      agents =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx768m",
                  "-jar",
                  root.resolve("agents/target/baton-agent.jar").toString(),
                  "simulate",
                  "--orchestrator",
                  orchestrator.base().toString(),
                  "--nodes",
                  Integer.toString(nodes),
                  "--chips",
                  "8",
                  "--interval",
                  "4s",
                  "--duration",
                  "2h",
                  "--node-prefix",
                  POOL + "-",
                  "--tokens",
                  tokens.toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("simulate.log").toFile())
              .start();
      awaitReady(orchestrator, nodes);
      long nodesMs = Duration.between(started, Instant.now()).toMillis();
      table.add(row("nodes registered and READY", nodes + " × 8 chips in " + nodesMs + " ms"));

      started = Instant.now();
      submit(orchestrator, apiJobs);
      long submitMs = Math.max(1, Duration.between(started, Instant.now()).toMillis());
      table.add(
          row(
              "jobs submitted through the API (16 clients)",
              String.format(
                  Locale.ROOT,
                  "%d in %d ms (%.0f/s)",
                  apiJobs,
                  submitMs,
                  apiJobs * 1000.0 / submitMs)));
      HttpResponse<String> round =
          orchestrator.post("/api/v1/admin/scheduler/rounds", "{}", orchestrator.adminToken());
      int placed = JSON.readTree(round.body()).path("admitted").asInt();
      table.add(row("jobs placed by one scheduler round", Integer.toString(placed)));
      started = Instant.now();
      int copied = copyQueued(databasePort, jobs - apiJobs);
      table.add(
          row(
              "queued jobs copied in SQL",
              copied + " in " + Duration.between(started, Instant.now()).toMillis() + " ms"));
      figures.put("nodes", nodes);
      figures.put("chips", nodes * 8);
      figures.put("jobs", jobs);
      figures.put("jobsPlaced", placed);
      figures.put("jobsThroughApi", apiJobs);
      figures.put("submitJobsPerSec", Math.round(apiJobs * 1000.0 / submitMs));
      return new Fleet(orchestrator, agents, nodes, jobs, placed);
    } catch (Exception | Error e) {
      if (agents != null) {
        agents.destroy();
      }
      orchestrator.close();
      throw e;
    }
  }

  /**
   * Scrapes {@code /actuator/prometheus} as Prometheus does (text format, whole body read) once the
   * fleet gauges show every node READY and the placed jobs: two to warm up, then {@value #SCRAPES}
   * timed. {@code scrapeMs} is their median; p95 is the slowest but one of nine.
   */
  static void scrapes(Fleet fleet, Map<String, Object> figures, List<String[]> table)
      throws Exception {
    Orchestrator orchestrator = fleet.orchestrator();
    String ready =
        "baton_pool_nodes{pool=\"" + POOL + "\",state=\"READY\"} " + (double) fleet.nodes();
    Instant deadline = Instant.now().plusSeconds(120);
    String body = scrape(orchestrator).body();
    while (!(body.contains(ready) && jobSeries(body) >= fleet.placed())) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the fleet gauges never showed the seeded fleet");
      }
      Thread.sleep(1000);
      body = scrape(orchestrator).body();
    }
    scrape(orchestrator);
    long[] times = new long[SCRAPES];
    long bytes = 0;
    for (int i = 0; i < SCRAPES; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = scrape(orchestrator);
      times[i] = (System.nanoTime() - start) / 1_000_000;
      bytes = response.body().length();
      body = response.body();
    }
    Arrays.sort(times);
    long samples = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    long chipSamples = body.lines().filter(l -> l.startsWith("baton_chip_")).count();
    Map<String, Double> read = orchestrator.metric("baton.fleet.metrics.read");
    double readMeanMs =
        read.getOrDefault("TOTAL_TIME", 0.0) / Math.max(1, read.getOrDefault("COUNT", 1.0)) * 1000;
    double readMaxMs = read.getOrDefault("MAX", 0.0) * 1000;
    long p50 = times[SCRAPES / 2];
    long p95 = times[SCRAPES - 2];
    table.add(
        row(
            "scrape /actuator/prometheus (" + SCRAPES + " timed)",
            String.format(
                Locale.ROOT,
                "p50 %d ms, p95 %d ms, min %d ms, max %d ms",
                p50,
                p95,
                times[0],
                times[SCRAPES - 1])));
    table.add(
        row(
            "scrape size",
            String.format(
                Locale.ROOT,
                "%.1f MB, %d samples (%d per-chip)",
                bytes / 1e6,
                samples,
                chipSamples)));
    table.add(
        row(
            "fleet gauges read (every refresh-interval)",
            String.format(Locale.ROOT, "mean %.0f ms, max %.0f ms", readMeanMs, readMaxMs)));
    figures.put("scrapeMs", p50);
    figures.put("scrapeMsP95", p95);
    figures.put("scrapeBytes", bytes);
    figures.put("scrapeSamples", samples);
    figures.put("fleetReadMsMean", Math.round(readMeanMs));
    figures.put("fleetReadMsMax", Math.round(readMaxMs));
  }

  private static long jobSeries(String body) {
    return body.lines().filter(l -> l.startsWith("baton_job_steps_lost{")).count();
  }

  private static HttpResponse<String> scrape(Orchestrator orchestrator) throws Exception {
    HttpResponse<String> response =
        orchestrator.http.send(
            orchestrator
                .request("/actuator/prometheus")
                .header("Accept", "text/plain;version=0.0.4")
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("scrape: " + response.statusCode());
    }
    return response;
  }

  private static void awaitReady(Orchestrator orchestrator, int nodes) throws Exception {
    Instant deadline = Instant.now().plusSeconds(180);
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response =
          orchestrator.http.send(
              orchestrator.request("/api/v1/pools/" + POOL).build(),
              HttpResponse.BodyHandlers.ofString());
      if (JSON.readTree(response.body()).at("/capacity/nodesByState/READY").asInt() >= nodes) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("nodes of " + POOL + " not READY; see simulate.log");
  }

  /** One-node 8-chip jobs of a few teams, submitted by 16 clients at once. */
  private static void submit(Orchestrator orchestrator, int jobs) throws Exception {
    String token = orchestrator.adminToken();
    List<String> specs = new ArrayList<>();
    for (String team : List.of("vision", "speech", "nlp", "recsys")) {
      specs.add(
          JSON.writeValueAsString(
              Map.of(
                  "name",
                  "bench-" + team,
                  "team",
                  team,
                  "pool",
                  POOL,
                  "command",
                  List.of("true"),
                  "nodes",
                  1,
                  "chipsPerNode",
                  8)));
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int c = 0; c < 16; c++) {
        done.add(
            clients.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                    HttpResponse<String> r =
                        orchestrator.post("/api/v1/jobs", specs.get(i % specs.size()), token);
                    if (r.statusCode() != 201) {
                      throw new IllegalStateException(
                          "submit failed: " + r.statusCode() + " " + r.body());
                    }
                  }
                  return null;
                }));
      }
      for (Future<Void> client : done) {
        client.get();
      }
    } finally {
      clients.shutdown();
    }
  }

  /**
   * Inserts {@code count} copies of the queued jobs the API made (same spec, team and pool, a new
   * id, queued a little earlier each), as the jobs table holds them; nothing else refers to a
   * queued job.
   */
  private static int copyQueued(int databasePort, int count) throws Exception {
    if (count <= 0) {
      return 0;
    }
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres", "");
        PreparedStatement insert =
            c.prepareStatement(
                """
                WITH src AS (SELECT * FROM jobs WHERE state = 'QUEUED'),
                     n AS (SELECT count(*) AS n FROM src)
                INSERT INTO jobs (id, name, team, pool, priority, spec, state, created_at,
                                  updated_at, queued_at, pending_reason)
                SELECT gen_random_uuid(), src.name, src.team, src.pool, src.priority, src.spec,
                       'QUEUED', src.created_at - g * interval '1 second',
                       src.updated_at - g * interval '1 second',
                       src.queued_at - g * interval '1 second', src.pending_reason
                  FROM src, generate_series(1, (? / (SELECT n FROM n)) + 1) g
                 LIMIT ?
                """)) {
      insert.setInt(1, count);
      insert.setInt(2, count);
      return insert.executeUpdate();
    }
  }

  private static String[] row(String what, String value) {
    return new String[] {what, value};
  }

  private static int arg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
