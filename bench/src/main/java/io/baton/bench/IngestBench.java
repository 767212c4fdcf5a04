package io.baton.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

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
    int[] ramp = {1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6500, 7000, 8000};
    try (Orchestrator orchestrator = Orchestrator.start(root, work.resolve("data"))) {
      Path tokens =
          orchestrator.issueTokens("ascend-910b", "bench-", NODES, work.resolve("tokens.txt"));
      // One simulator process runs every phase (a fresh JVM per phase would spend each phase's
      // first seconds compiling, on the same two cores). Every node's first report registers it
      // (node READY, 8 chip events): a burst of 45,000 events, and a cold JIT on both sides.
      // Sustained means after that, so the warm-up runs first and is not counted.
      List<String> names = new ArrayList<>();
      List<Integer> offered = new ArrayList<>();
      List<String> steps = new ArrayList<>();
      names.add("warm-up (not counted)");
      offered.add(1000);
      steps.add("5s@20s");
      names.add("target: 5000 nodes / 5s");
      offered.add(1000);
      steps.add("5s@" + sustained.toSeconds() + "s");
      for (int rate : ramp) {
        names.add("ramp: " + rate + "/s offered");
        offered.add(rate);
        steps.add((long) (NODES * 1000.0 / rate) + "ms@" + step.toSeconds() + "s");
      }
      simulate(
          root,
          orchestrator,
          tokens,
          String.join(",", steps),
          result -> {
            int i = rows.size();
            Row row = Row.of(names.get(i), offered.get(i), result);
            rows.add(row);
            // Past the target, the ramp ends at the first rate not sustained.
            return i < 2 || row.sustained();
          });
    }
    Row target = rows.get(1);
    double sustainedRate = target.achieved();
    double p99 = target.p99();
    double max =
        rows.stream().skip(2).takeWhile(Row::sustained).mapToDouble(Row::achieved).max().orElse(0);
    double baseline =
        JdbcBaseline.rowsPerSecond(
            root, work.resolve("baseline"), NODES, CHIPS, Duration.ofSeconds(15));

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%-28s %9s %10s %8s %8s %8s %8s %7s   %s%n",
        "phase",
        "offered/s",
        "achieved/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "failed",
        "batch",
        "CPU ms/report: orchestrator postgres simulator");
    for (Row row : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-28s %9d %10.0f %8.1f %8.1f %8.1f %8d %7.1f   %12.3f %8.3f %9.3f%s%n",
          row.name(),
          row.offered(),
          row.achieved(),
          row.p50(),
          row.p99(),
          row.maxMs(),
          row.failed(),
          row.meanBatch(),
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
    figures.put("orchestratorCpuMsPerReport", target.orchestratorCpu());
    figures.put("postgresCpuMsPerReport", target.postgresCpu());
    figures.put("simulatorCpuMsPerReport", target.simulatorCpu());
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
      double simulatorCpu,
      double meanBatch) {
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
          r.path("simulatorCpuMsPerReport").asDouble(),
          r.path("meanBatch").asDouble());
    }

    boolean sustained() {
      return achieved >= 0.95 * offered && p99 <= 1000 && failed <= achieved * 0.001;
    }
  }

  /**
   * Runs {@code baton-agent simulate --steps STEPS}, one process for every phase, and hands each
   * phase's summary, with the CPU each process used in it, to {@code phase} as the phase ends;
   * stops the simulator when {@code phase} answers false.
   */
  private static void simulate(
      Path root,
      Orchestrator orchestrator,
      Path tokens,
      String steps,
      java.util.function.Predicate<ObjectNode> phase)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // Extra JVM options of the simulator, e.g. a flight recording: BATON_BENCH_SIM_JVM_OPTS="…"
    String simulatorOptions = System.getenv("BATON_BENCH_SIM_JVM_OPTS");
    if (simulatorOptions != null && !simulatorOptions.isBlank()) {
      command.addAll(List.of(simulatorOptions.trim().split("\\s+")));
    }
    command.addAll(
        List.of(
            "-jar",
            root.resolve("agents/target/baton-agent.jar").toString(),
            "simulate",
            "--orchestrator",
            orchestrator.base().toString(),
            "--nodes",
            Integer.toString(NODES),
            "--chips",
            Integer.toString(CHIPS),
            "--steps",
            steps,
            // 5,000 real agents would each have a connection of their own; in flight is about
            // rate x latency (Little's law), so the simulator's default of 256 would cap the load
            // rather than the orchestrator at a few thousand reports a second.
            "--max-in-flight",
            "1024",
            "--node-prefix",
            "bench-",
            "--tokens",
            tokens.toString()));
    ProcessHandle server = orchestrator.process.toHandle();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Usage before = Usage.of(server, orchestrator, process.toHandle());
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        System.err.println(line);
        output.append(line).append('\n');
        if (!line.startsWith("{")) {
          continue;
        }
        Usage after = Usage.of(server, orchestrator, process.toHandle());
        ObjectNode result = (ObjectNode) JSON.readTree(line);
        double ok = Math.max(1, result.get("reportsOk").asDouble());
        result.put("orchestratorCpuMsPerReport", perReport(after.server - before.server, ok));
        result.put("postgresCpuMsPerReport", perReport(after.postgres - before.postgres, ok));
        result.put("simulatorCpuMsPerReport", perReport(after.simulator - before.simulator, ok));
        double batches = after.batches - before.batches;
        result.put(
            "meanBatch",
            batches == 0 ? 0 : Math.round((after.batched - before.batched) / batches * 10) / 10.0);
        before = after;
        if (!phase.test(result)) {
          process.destroy();
          break;
        }
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    if (process.exitValue() != 0 && !output.toString().contains("{")) {
      throw new IllegalStateException(
          "simulate failed (exit " + process.exitValue() + "):\n" + output);
    }
  }

  private static double perReport(long cpuMillis, double reports) {
    return Math.round(cpuMillis / reports * 1000) / 1000.0;
  }

  /** What the processes have used so far: CPU ms each, and the writer's batches. */
  private record Usage(long server, long postgres, long simulator, double batches, double batched) {
    static Usage of(ProcessHandle server, Orchestrator orchestrator, ProcessHandle simulator) {
      Map<String, Double> batchSizes = IngestBench.batches(orchestrator);
      return new Usage(
          cpuMillis(server),
          postgresCpuMillis(orchestrator),
          cpuMillis(simulator),
          batchSizes.getOrDefault("COUNT", 0.0),
          batchSizes.getOrDefault("TOTAL", 0.0));
    }
  }

  /** The writer's batch sizes so far (count and total); empty when the metric is missing. */
  private static Map<String, Double> batches(Orchestrator orchestrator) {
    try {
      return orchestrator.metric("baton.ingest.batch.size");
    } catch (Exception e) {
      return Map.of();
    }
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
