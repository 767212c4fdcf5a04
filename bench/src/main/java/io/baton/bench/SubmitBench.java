package io.baton.bench;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./bench/run submit}: job submissions through the API on one orchestrator with its embedded
 * PostgreSQL and default settings (every submission is one committed transaction: the job, its
 * event, its idempotency record), first one client at a time (the latency of one submission, where
 * a durable commit's flush shows), then 8 clients at once (throughput). The scheduler is off so the
 * figures are the submission path alone. Last line: one JSON object.
 */
final class SubmitBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SubmitBench() {}

  static void run(Path root, String[] args) throws Exception {
    int sequential = arg(args, "--sequential", 500);
    int concurrent = arg(args, "--concurrent", 4000);
    int clients = arg(args, "--clients", 8);
    Path work = Files.createTempDirectory("baton-bench-submit-");
    Phase one;
    Phase many;
    try (Orchestrator orchestrator =
        Orchestrator.start(
            root,
            work.resolve("data"),
            "--baton.scheduler.automatic=false",
            "--baton.cluster.local.agents=false")) {
      // Warm-up, not counted: the JIT and the pool on both sides.
      phase(orchestrator, "warm-up", 300, 4);
      one = phase(orchestrator, "1 client", sequential, 1);
      many = phase(orchestrator, clients + " clients", concurrent, clients);
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-12s %8s %10s %9s %9s %9s%n",
        "phase",
        "jobs",
        "jobs/s",
        "p50 ms",
        "p99 ms",
        "max ms");
    for (Phase p : List.of(one, many)) {
      System.out.printf(
          Locale.ROOT,
          "%-12s %8d %10.0f %9.2f %9.2f %9.2f%n",
          p.name(),
          p.jobs(),
          p.rate(),
          p.percentile(50),
          p.percentile(99),
          p.percentile(100));
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", "submit");
    figures.put("submitsPerSecOneClient", Math.round(one.rate()));
    figures.put("p50MsOneClient", round(one.percentile(50)));
    figures.put("p99MsOneClient", round(one.percentile(99)));
    figures.put("clients", clients);
    figures.put("submitsPerSec", Math.round(many.rate()));
    figures.put("p50Ms", round(many.percentile(50)));
    figures.put("p99Ms", round(many.percentile(99)));
    figures.put("concurrencyGain", round(many.rate() / one.rate()));
    System.out.println(JSON.writeValueAsString(figures));
  }

  record Phase(String name, int jobs, long elapsedNanos, double[] latenciesMs) {
    double rate() {
      return jobs / (elapsedNanos / 1e9);
    }

    double percentile(int p) {
      double[] sorted = latenciesMs.clone();
      Arrays.sort(sorted);
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }

  private static Phase phase(Orchestrator orchestrator, String name, int jobs, int clients)
      throws Exception {
    String spec =
        JSON.writeValueAsString(
            Map.of(
                "name",
                "bench",
                "team",
                "bench",
                "pool",
                "ascend-910b",
                "command",
                List.of("true"),
                "nodes",
                1,
                "chipsPerNode",
                8));
    String token = orchestrator.adminToken();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      long start = System.nanoTime();
      List<Future<Double>> done = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        done.add(
            pool.submit(
                () -> {
                  long t = System.nanoTime();
                  HttpResponse<String> response = orchestrator.post("/api/v1/jobs", spec, token);
                  if (response.statusCode() != 201) {
                    throw new IllegalStateException(
                        "submit failed: " + response.statusCode() + " " + response.body());
                  }
                  return (System.nanoTime() - t) / 1e6;
                }));
      }
      double[] latencies = new double[jobs];
      for (int i = 0; i < jobs; i++) {
        latencies[i] = done.get(i).get();
      }
      long elapsed = System.nanoTime() - start;
      System.err.printf(Locale.ROOT, "%s: %d jobs in %d ms%n", name, jobs, elapsed / 1_000_000);
      return new Phase(name, jobs, elapsed, latencies);
    } finally {
      pool.shutdown();
    }
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
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
