package io.baton.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./bench/run chaos [--seed N] [--injections N] [--minutes M]}: the fault-injection campaign
 * ({@link ChaosCampaign}). Prints the seed first (a failure is reproduced with {@code --seed}), a
 * line per injection, the table of injections by kind, the findings of {@link ChaosInvariants}, and
 * last one JSON line. Exits 1 when an invariant does not hold.
 */
final class ChaosBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ChaosBench() {}

  static void run(Path root, String[] args) throws Exception {
    long seed = System.nanoTime() % 1_000_000;
    int injections = 200;
    int minutes = 60;
    int jobs = 4;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--injections" -> injections = Integer.parseInt(args[i + 1]);
        case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
        case "--jobs" -> jobs = Integer.parseInt(args[i + 1]);
        default -> usage();
      }
    }
    if (args.length % 2 != 0 || injections < 1 || minutes < 1 || jobs < 1) {
      usage();
    }
    System.out.println(
        "chaos seed "
            + seed
            + " (reproduce: ./bench/run chaos --seed "
            + seed
            + " --injections "
            + injections
            + " --minutes "
            + minutes
            + ")");
    Path work = Files.createTempDirectory("baton-bench-chaos-");
    System.out.println("work directory " + work + " (orchestrator.log, agent.log)");
    ChaosCampaign.Settings settings =
        new ChaosCampaign.Settings(
            seed,
            injections,
            Duration.ofMinutes(minutes),
            Duration.ofMinutes(5),
            jobs,
            200,
            2000,
            30);
    ChaosCampaign.Result result =
        new ChaosCampaign(root, work, settings, System.out::println).run();
    System.out.println(report(result));
    boolean clean = result.findings().total() == 0 && result.serverErrors().isEmpty();
    System.out.flush();
    if (!clean) {
      System.exit(1);
    }
  }

  private static void usage() {
    System.err.println(
        "usage: ./bench/run chaos [--seed N] [--injections N (200)] [--minutes M (60)]"
            + " [--jobs N in flight (4)]");
    System.exit(2);
  }

  /** The table, the findings and, last, the JSON line. */
  static String report(ChaosCampaign.Result r) throws Exception {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%n%-20s %6s %12s %12s%n", "injection", "count", "recovery p50", "recovery max"));
    for (ChaosCampaign.Kind kind : ChaosCampaign.Kind.values()) {
      long[] ms =
          r.injections().stream()
              .filter(i -> i.kind() == kind && !i.skipped())
              .mapToLong(ChaosCampaign.Injection::recoveryMs)
              .sorted()
              .toArray();
      out.append(
          String.format(
              "%-20s %6d %9s ms %9s ms%n",
              kind,
              ms.length,
              ms.length == 0 ? "-" : Long.toString(ms[ms.length / 2]),
              ms.length == 0 ? "-" : Long.toString(ms[ms.length - 1])));
    }
    Map<String, Long> moments = new LinkedHashMap<>();
    r.injections().stream()
        .filter(i -> i.kind() == ChaosCampaign.Kind.ORCHESTRATOR_KILL)
        .forEach(i -> moments.merge(i.moment(), 1L, Long::sum));
    out.append("kills by moment: ").append(moments).append('\n');
    Map<String, Long> outcomes = new LinkedHashMap<>();
    r.injections().stream()
        .filter(i -> i.kind() == ChaosCampaign.Kind.AGENT_CUT)
        .forEach(i -> outcomes.merge(i.outcome(), 1L, Long::sum));
    out.append("agent cuts: ").append(outcomes).append('\n');
    out.append(
        String.format(
            "workload: %d submissions accepted (%d not), %d faults injected, %d promotions"
                + " started, %d agent reports acknowledged%n",
            r.accepted(), r.unaccepted(), r.faults(), r.promotions(), r.ackedReports()));
    out.append("jobs at the end: ").append(r.jobStates()).append('\n');
    out.append(String.format("%n%-26s %s%n", "invariant", "violations"));
    for (String key : ChaosInvariants.KEYS) {
      List<String> found = r.findings().violations().get(key);
      out.append(String.format("%-26s %d%n", key, found.size()));
      found.stream().limit(20).forEach(v -> out.append("    ").append(v).append('\n'));
    }
    out.append(String.format("%-26s %d%n", "serverErrors (HTTP 500)", r.serverErrors().size()));
    r.serverErrors().stream().limit(20).forEach(v -> out.append("    ").append(v).append('\n'));
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", "chaos");
    figures.put("injections", r.injections().stream().filter(i -> !i.skipped()).count());
    // The keys first, in its order; then ours.
    for (String key : ChaosInvariants.KEYS) {
      if (!key.equals("illegalTransitions")) {
        figures.put(key, r.findings().count(key));
      }
    }
    figures.put("failoverMsMax", r.failoverMsMax());
    figures.put("illegalTransitions", r.findings().count("illegalTransitions"));
    figures.put("serverErrors", r.serverErrors().size());
    figures.put("seed", r.settings().seed());
    for (ChaosCampaign.Kind kind : ChaosCampaign.Kind.values()) {
      figures.put(
          switch (kind) {
            case ORCHESTRATOR_KILL -> "orchestratorKills";
            case POSTGRES_RESTART -> "postgresRestarts";
            case POSTGRES_CUT -> "postgresCuts";
            case AGENT_CUT -> "agentCuts";
          },
          r.injections().stream().filter(i -> i.kind() == kind && !i.skipped()).count());
    }
    figures.put("skippedInjections", r.injections().stream().filter(i -> i.skipped()).count());
    figures.put("acceptedSubmissions", r.accepted());
    figures.put("promotions", r.promotions());
    figures.put("acknowledgedReports", r.ackedReports());
    figures.put("durationMs", r.durationMs());
    out.append('\n').append(JSON.writeValueAsString(figures));
    return out.toString();
  }
}
