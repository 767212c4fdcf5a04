package io.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./bench/run ingest}: the orchestrator on embedded PostgreSQL under a fleet of simulated
 * agents ({@code baton-agent simulate}, a separate process), first at the target load (5,000 nodes
 * × 8 chips every 5 s), then at rising rates to find the highest one it sustains; and, in the same
 * run, a JDBC baseline that writes the same rows without HTTP. Last line: one JSON object.
 */
final class IngestBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int NODES = 5000;
  private static final int CHIPS = 8;

  private IngestBench() {}

  static void run(Path root, String[] args) throws Exception {
    Duration sustained = Duration.ofSeconds(arg(args, "--sustained-seconds", 60));
    Duration step = Duration.ofSeconds(arg(args, "--step-seconds", 20));
    Path work = Files.createTempDirectory("baton-bench-ingest-");
    List<Row> rows = new ArrayList<>();
    double sustainedRate;
    double p99;
    double max = 0;
    try (Orchestrator orchestrator = Orchestrator.start(root, work.resolve("data"))) {
      Path tokens =
          orchestrator.issueTokens("ascend-910b", "bench-", NODES, work.resolve("tokens.txt"));
      // Every node's first report registers it (node READY, 8 chip events): a burst of 45,000
      // events, and a cold JIT. Sustained means after that, so it runs first and is not counted.
      JsonNode warmup =
          simulate(root, orchestrator, tokens, Duration.ofSeconds(5), Duration.ofSeconds(20));
      rows.add(Row.of("warm-up (not counted)", 1000, warmup));
      JsonNode target = simulate(root, orchestrator, tokens, Duration.ofSeconds(5), sustained);
      rows.add(Row.of("target: 5000 nodes / 5s", 1000, target));
      sustainedRate = target.get("reportsPerSec").asDouble();
      p99 = target.get("p99Ms").asDouble();
      for (int offered : new int[] {1500, 2000, 2500, 3000, 4000, 5000, 6000, 7000, 8000, 10000}) {
        Duration interval = Duration.ofNanos((long) (NODES * 1e9 / offered));
        JsonNode result = simulate(root, orchestrator, tokens, interval, step);
        Row row = Row.of("ramp: " + offered + "/s offered", offered, result);
        rows.add(row);
        if (!row.sustained()) {
          break;
        }
        max = Math.max(max, row.achieved());
      }
    }
    double baseline =
        JdbcBaseline.rowsPerSecond(
            root, work.resolve("baseline"), NODES, CHIPS, Duration.ofSeconds(15));

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-28s %9s %10s %8s %8s %8s %8s   %s%n",
        "phase",
        "offered/s",
        "achieved/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "failed",
        "CPU ms/report: orchestrator postgres simulator");
    for (Row row : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-28s %9d %10.0f %8.1f %8.1f %8.1f %8d   %12.3f %8.3f %9.3f%s%n",
          row.name(),
          row.offered(),
          row.achieved(),
          row.p50(),
          row.p99(),
          row.maxMs(),
          row.failed(),
          row.orchestratorCpu(),
          row.postgresCpu(),
          row.simulatorCpu(),
          row.sustained() ? "" : "  (not sustained)");
    }
    System.out.printf(
        Locale.ROOT, "%-28s %9s %10.0f rows/s%n", "JDBC baseline (batched)", "", baseline);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", "ingest");
    figures.put("nodes", NODES);
    figures.put("chipsPerNode", CHIPS);
    figures.put("reportsPerSecSustained", round(sustainedRate));
    figures.put("p99Ms", round(p99));
    figures.put("reportsPerSecMax", round(max));
    figures.put("jdbcBaselineRowsPerSec", round(baseline));
    figures.put("ratioToJdbc", Math.round(max / baseline * 1000) / 1000.0);
    Row atTarget = rows.get(1);
    figures.put("orchestratorCpuMsPerReport", atTarget.orchestratorCpu());
    figures.put("postgresCpuMsPerReport", atTarget.postgresCpu());
    figures.put("simulatorCpuMsPerReport", atTarget.simulatorCpu());
    System.out.println(JSON.writeValueAsString(figures));
  }

  /** A phase is sustained when almost nothing failed, the rate held, and p99 stayed within 1 s. */
  record Row(
      String name,
      int offered,
      double achieved,
      double p50,
      double p99,
      double maxMs,
      long failed,
      double orchestratorCpu,
      double postgresCpu,
      double simulatorCpu) {
    static Row of(String name, int offered, JsonNode r) {
      return new Row(
          name,
          offered,
          r.get("reportsPerSec").asDouble(),
          r.get("p50Ms").asDouble(),
          r.get("p99Ms").asDouble(),
          r.get("maxMs").asDouble(),
          r.get("reportsFailed").asLong(),
          r.path("orchestratorCpuMsPerReport").asDouble(),
          r.path("postgresCpuMsPerReport").asDouble(),
          r.path("simulatorCpuMsPerReport").asDouble());
    }

    boolean sustained() {
      return achieved >= 0.95 * offered && p99 <= 1000 && failed <= achieved * 0.001;
    }
  }

  private static JsonNode simulate(
      Path root, Orchestrator orchestrator, Path tokens, Duration interval, Duration duration)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-jar",
            root.resolve("agents/target/baton-agent.jar").toString(),
            "simulate",
            "--orchestrator",
            orchestrator.base().toString(),
            "--nodes",
            Integer.toString(NODES),
            "--chips",
            Integer.toString(CHIPS),
            "--interval",
            interval.toMillis() + "ms",
            "--duration",
            duration.toSeconds() + "s",
            "--node-prefix",
            "bench-",
            "--tokens",
            tokens.toString());
    ProcessHandle server = orchestrator.process.toHandle();
    long orchestratorBefore = cpuMillis(server);
    long postgresBefore = postgresCpuMillis(orchestrator);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // The simulator's CPU time, read while it runs (an exited process has none to read).
    long[] simulatorCpu = {0};
    Thread sampler =
        new Thread(
            () -> {
              while (process.isAlive()) {
                simulatorCpu[0] = Math.max(simulatorCpu[0], cpuMillis(process.toHandle()));
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "simulator-cpu");
    sampler.setDaemon(true);
    sampler.start();
    String output = new String(process.getInputStream().readAllBytes());
    int exit = process.waitFor();
    sampler.join();
    long orchestratorCpu = cpuMillis(server) - orchestratorBefore;
    long postgresCpu = postgresCpuMillis(orchestrator) - postgresBefore;
    String[] lines = output.strip().split("\n");
    String last = lines[lines.length - 1];
    if (exit != 0 || !last.startsWith("{")) {
      throw new IllegalStateException("simulate failed (exit " + exit + "):\n" + output);
    }
    System.err.println(output.strip());
    tools.jackson.databind.node.ObjectNode result =
        (tools.jackson.databind.node.ObjectNode) JSON.readTree(last);
    double ok = Math.max(1, result.get("reportsOk").asDouble());
    result.put("orchestratorCpuMsPerReport", Math.round(orchestratorCpu / ok * 1000) / 1000.0);
    result.put("postgresCpuMsPerReport", Math.round(postgresCpu / ok * 1000) / 1000.0);
    result.put("simulatorCpuMsPerReport", Math.round(simulatorCpu[0] / ok * 1000) / 1000.0);
    return result;
  }

  /** CPU time (user + system) the process has used, in ms; 0 when the OS does not say. */
  private static long cpuMillis(ProcessHandle handle) {
    return handle.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
  }

  /**
   * CPU time of the embedded PostgreSQL: its postmaster (which detaches from the orchestrator, so
   * it is found through {@code postmaster.pid}) and its backends.
   */
  private static long postgresCpuMillis(Orchestrator orchestrator) {
    try {
      Path pidFile = orchestrator.dataDir.resolve("postgres").resolve("postmaster.pid");
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      return ProcessHandle.of(pid)
          .map(p -> cpuMillis(p) + p.descendants().mapToLong(IngestBench::cpuMillis).sum())
          .orElse(0L);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  private static int arg(String[] args, String name, int defaultValue) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }
}
