package io.baton.bench;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./bench/run placement}: the scheduler placing queued single-node 8-chip jobs, committed,
 * at two scales (500 nodes and 1,000 jobs; 5,000 nodes and 10,000 jobs) on one orchestrator, each
 * measured as one round run through the admin API; then, on a second orchestrator with the local
 * backend, the control-plane time from a chip FAULT report to the relaunch decision of the job that
 * ran on it. Last line: one JSON object.
 */
final class PlacementBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private PlacementBench() {}

  static void run(Path root, String[] args) throws Exception {
    Path work = Files.createTempDirectory("baton-bench-placement-");
    if (args.length > 0 && args[0].equals("--fault-only")) {
      System.out.println(
          JSON.writeValueAsString(
              Map.of("faultToRelaunchMs", faultToRelaunch(root, work.resolve("fault")))));
      return;
    }
    Scale small;
    Scale large;
    try (Orchestrator orchestrator =
        Orchestrator.start(
            root,
            work.resolve("scale"),
            "--baton.scheduler.automatic=false",
            "--baton.recovery.automatic=false",
            "--baton.cluster.local.agents=false",
            "--baton.nodes.timeout=1h",
            "--baton.pools[0].name=small",
            "--baton.pools[0].role=TRAINING",
            "--baton.pools[0].accelerator=ascend-910b",
            "--baton.pools[0].nodes=500",
            "--baton.pools[0].chips-per-node=8",
            "--baton.pools[0].resource-name=huawei.com/Ascend910",
            "--baton.pools[1].name=large",
            "--baton.pools[1].role=TRAINING",
            "--baton.pools[1].accelerator=ascend-910b",
            "--baton.pools[1].nodes=5000",
            "--baton.pools[1].chips-per-node=8",
            "--baton.pools[1].resource-name=huawei.com/Ascend910")) {
      small = scale(root, orchestrator, work, "small", 500, 1_000);
      large = scale(root, orchestrator, work, "large", 5_000, 10_000);
    }
    long faultToRelaunch = faultToRelaunch(root, work.resolve("fault"));

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-8s %7s %7s %9s %10s %14s%n",
        "scale",
        "nodes",
        "jobs",
        "placed",
        "round ms",
        "placements/s");
    for (Scale s : List.of(small, large)) {
      System.out.printf(
          Locale.ROOT,
          "%-8s %7d %7d %9d %10d %14.0f%n",
          s.name(),
          s.nodes(),
          s.jobs(),
          s.placed(),
          s.roundMs(),
          s.rate());
    }
    System.out.printf(Locale.ROOT, "fault report -> relaunch decision: %d ms%n", faultToRelaunch);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", "placement");
    figures.put("placementsPerSec", Math.round(large.rate()));
    figures.put("placementsPerSecAt500Nodes", Math.round(small.rate()));
    figures.put("scaleRatio", Math.round(large.rate() / small.rate() * 1000) / 1000.0);
    figures.put("placed", large.placed());
    figures.put("roundMs", large.roundMs());
    figures.put("faultToRelaunchMs", faultToRelaunch);
    System.out.println(JSON.writeValueAsString(figures));
  }

  record Scale(String name, int nodes, int jobs, int placed, long roundMs) {
    double rate() {
      return placed / (roundMs / 1000.0);
    }
  }

  private static Scale scale(
      Path root, Orchestrator orchestrator, Path work, String pool, int nodes, int jobs)
      throws Exception {
    Path tokens =
        orchestrator.issueTokens(pool, pool + "-", nodes, work.resolve(pool + "-tokens.txt"));
    Process agents =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
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
                "5s",
                "--node-prefix",
                pool + "-",
                "--tokens",
                tokens.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(pool + "-simulate.log").toFile())
            .start();
    agents.waitFor();
    awaitReady(orchestrator, pool, nodes);
    submit(orchestrator, pool, jobs);
    HttpResponse<String> round =
        orchestrator.post("/api/v1/admin/scheduler/rounds", "{}", orchestrator.adminToken());
    JsonNode result = JSON.readTree(round.body());
    System.err.println(pool + ": " + round.body());
    return new Scale(
        pool,
        nodes,
        jobs,
        result.get("admitted").asInt(),
        Math.max(1, result.get("durationMs").asLong()));
  }

  private static void awaitReady(Orchestrator orchestrator, String pool, int nodes)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      var response =
          orchestrator.http.send(
              orchestrator.request("/api/v1/pools/" + pool).build(),
              HttpResponse.BodyHandlers.ofString());
      if (JSON.readTree(response.body()).at("/capacity/nodesByState/READY").asInt() >= nodes) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("nodes of " + pool + " not READY");
  }

  private static void submit(Orchestrator orchestrator, String pool, int jobs) throws Exception {
    String spec =
        JSON.writeValueAsString(
            Map.of(
                "name",
                "bench",
                "team",
                "bench",
                "pool",
                pool,
                "command",
                List.of("true"),
                "nodes",
                1,
                "chipsPerNode",
                8));
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        done.add(
            clients.submit(
                () ->
                    orchestrator
                        .post("/api/v1/jobs", spec, orchestrator.adminToken())
                        .statusCode()));
      }
      for (Future<Integer> status : done) {
        if (status.get() != 201) {
          throw new IllegalStateException("submit failed: " + status.get());
        }
      }
    } finally {
      clients.shutdown();
    }
  }

  /** Local backend, default settings: a job runs, a chip under it turns FAULT, it is relaunched. */
  private static long faultToRelaunch(Path root, Path dataDir) throws Exception {
    try (Orchestrator orchestrator = Orchestrator.start(root, dataDir)) {
      String spec =
          JSON.writeValueAsString(
              Map.of(
                  "name",
                  "victim",
                  "team",
                  "bench",
                  "pool",
                  "ascend-910b",
                  "command",
                  List.of(
                      "sh",
                      "-c",
                      "echo '{\"type\":\"progress\",\"step\":1}' >> \"$BATON_PROGRESS_FILE\";"
                          + " exec sleep 600"),
                  "nodes",
                  1,
                  "chipsPerNode",
                  8));
      String id =
          JSON.readTree(orchestrator.post("/api/v1/jobs", spec, orchestrator.adminToken()).body())
              .get("id")
              .asString();
      JsonNode job = await(orchestrator, id, j -> "RUNNING".equals(j.get("state").asString()));
      String node = job.at("/placement/0/node").asString();
      orchestrator.post(
          "/api/v1/simulation/faults",
          "{\"node\":\"" + node + "\",\"chip\":2,\"health\":\"FAULT\",\"code\":\"bench\"}",
          orchestrator.adminToken());
      await(orchestrator, id, j -> j.get("attempt").asInt() == 2);
      Instant fault = null;
      Instant relaunch = null;
      var events =
          JSON.readTree(
              orchestrator
                  .http
                  .send(
                      orchestrator.request("/api/v1/events?limit=500").build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      for (JsonNode e : events.get("items")) {
        if (fault == null
            && e.get("type").asString().equals("chip.health")
            && "FAULT".equals(e.get("to").asString())
            && e.get("subject").asString().equals("node/" + node + "/chips/2")) {
          fault = Instant.parse(e.get("time").asString());
        }
        if (fault != null
            && id.equals(e.path("jobId").asString(null))
            && "RECOVERING".equals(e.path("from").asString(null))
            && "ADMITTED".equals(e.path("to").asString(null))) {
          relaunch = Instant.parse(e.get("time").asString());
        }
      }
      orchestrator.post("/api/v1/jobs/" + id + "/cancel", "", orchestrator.adminToken());
      return Duration.between(fault, relaunch).toMillis();
    }
  }

  private static JsonNode await(
      Orchestrator orchestrator, String id, java.util.function.Predicate<JsonNode> condition)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      var response =
          orchestrator.http.send(
              orchestrator.request("/api/v1/jobs/" + id).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode job = JSON.readTree(response.body());
      if (condition.test(job)) {
        return job;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("job " + id + " did not get there");
  }
}
