package io.baton.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./bench/run faults [--hang-runs N] [--hang-timeout-seconds S] [--steps N] [--step-millis
 * MS] [--slow-factor F] [--quick]}: how Baton sees soft faults. The orchestrator jar runs on
 * embedded PostgreSQL with the local backend and the demo trainer (2 nodes × 8 chips, two ranks):
 *
 * <ul>
 *   <li>hang: N runs with {@code hangTimeout} S, a HANG injected on a chip of rank 0 once the job
 *       has a checkpoint; {@code hangDetectMs} = the RECOVERING event's time − (the newest last
 *       step its HANG cause names + the timeout). The job then resumes and finishes;
 *   <li>goodput: the ledger ({@code GET /api/v1/jobs/{id}/goodput}) of each of those finished runs
 *       with a fault: |Σ parts − allocated| / allocated × 100;
 *   <li>straggler: one run, SLOW (factor F) injected on a chip of rank 1 after a healthy start;
 *       steps from the first slowed step until the runner's {@code job.straggler} event, or, while
 *       this build has no such event, until the jar's own {@code StragglerDetector} flags the rank
 *       when replayed step by step over the job's real progress series (per-rank {@code
 *       computeMs});
 *   <li>replace: the jar's own {@code ReplaceDecision} over scripted cases (early, mid-run,
 *       near-finished, break-even, no totalSteps) against answers worked out by hand.
 * </ul>
 *
 * Last line: one JSON object.
 */
final class FaultBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String POOL = "ascend-910b";

  private FaultBench() {}

  private record Options(
      int hangRuns, int hangTimeoutSeconds, int steps, int stepMillis, double slowFactor) {}

  /** One hang run's figures. */
  private record HangRun(
      String jobId, long detectMs, double goodputErrorPct, double heldPerEvents, JsonNode ledger) {}

  /** The straggler run's figures. */
  private record StragglerRun(
      String jobId,
      long firstSlowStep,
      Long flaggedAtStep,
      Long steps,
      String source,
      double factor,
      int window,
      double slowComputeMs,
      double gangComputeMs) {}

  static void run(Path root, String[] args) throws Exception {
    Options options = parse(args);
    Path work = Files.createTempDirectory("baton-bench-faults-");
    List<FaultFigures.ReplaceCase> cases = FaultFigures.replaceCases();
    List<FaultFigures.Verdict> verdicts = new ArrayList<>();
    try (JarDecisions decisions =
            JarDecisions.of(root.resolve("orchestrator/target/baton-orchestrator.jar"));
        Orchestrator orchestrator =
            Orchestrator.start(
                root, work.resolve("data"), "--baton.cluster.local.agent-interval=500ms")) {
      for (FaultFigures.ReplaceCase c : cases) {
        verdicts.add(decisions.decide(c));
      }
      List<HangRun> hangs = new ArrayList<>();
      for (int i = 0; i < options.hangRuns(); i++) {
        hangs.add(hang(orchestrator, options, i));
        clearFaults(orchestrator);
      }
      StragglerRun straggler = straggler(orchestrator, options, decisions);
      clearFaults(orchestrator);
      report(options, hangs, straggler, cases, verdicts);
    }
  }

  private static Options parse(String[] args) {
    int hangRuns = 3;
    int hangTimeout = 3;
    int steps = 300;
    int stepMillis = 40;
    double slowFactor = 1.5;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--quick" -> {
          hangRuns = 1;
          steps = 200;
          continue;
        }
        case "--hang-runs" -> hangRuns = Integer.parseInt(required(value));
        case "--hang-timeout-seconds" -> hangTimeout = Integer.parseInt(required(value));
        case "--steps" -> steps = Integer.parseInt(required(value));
        case "--step-millis" -> stepMillis = Integer.parseInt(required(value));
        case "--slow-factor" -> slowFactor = Double.parseDouble(required(value));
        default -> usage();
      }
      i++;
    }
    if (hangRuns < 1 || hangTimeout < 1 || steps < 150 || stepMillis < 1 || !(slowFactor > 1)) {
      usage();
    }
    return new Options(hangRuns, hangTimeout, steps, stepMillis, slowFactor);
  }

  private static String required(String value) {
    if (value == null) {
      usage();
    }
    return value;
  }

  private static void usage() {
    System.err.println(
        "usage: ./bench/run faults [--hang-runs N (3)] [--hang-timeout-seconds S (3)]"
            + " [--steps N (300, ≥ 150)] [--step-millis MS (40)] [--slow-factor F (1.5)]"
            + " [--quick (1 hang run, 200 steps)]");
    System.exit(2);
  }

  // ---- hang, and the ledger of the run it restarted ----

  private static HangRun hang(Orchestrator o, Options options, int run) throws Exception {
    ObjectNode spec = spec("bench-hang-" + run, options, 50, "120s");
    spec.put("hangTimeout", "PT" + options.hangTimeoutSeconds() + "S");
    String id = submit(o, spec);
    JsonNode running =
        await(
            o,
            "/api/v1/jobs/" + id,
            j ->
                "RUNNING".equals(j.get("state").asString())
                    && j.at("/latestCheckpoint/step").asLong(0) >= 50,
            180);
    inject(
        o,
        running.at("/placement/0/node").asString(),
        running.at("/placement/0/chips/0").asInt(),
        "{\"kind\":\"HANG\"}");
    JsonNode recovering = awaitEvent(o, id, e -> "RECOVERING".equals(e.path("to").asString("")));
    clearFaults(o);
    JsonNode done = await(o, "/api/v1/jobs/" + id, FaultBench::terminal, 240);
    if (!"SUCCEEDED".equals(done.get("state").asString())) {
      throw new IllegalStateException("the hung job did not finish: " + done);
    }
    long detectMs =
        FaultFigures.hangDetectMs(
            recovering.get("reason").asString(),
            Instant.parse(recovering.get("time").asString()),
            Duration.ofSeconds(options.hangTimeoutSeconds()));
    JsonNode ledger = get(o, "/api/v1/jobs/" + id + "/goodput");
    JsonNode chips = ledger.get("chipSeconds");
    double error =
        FaultFigures.goodputSumErrorPct(
            chips.get("allocated").asDouble(),
            chips.get("productive").asDouble(),
            chips.get("redone").asDouble(),
            chips.get("recovery").asDouble(),
            chips.get("stalled").asDouble());
    List<FaultFigures.Event> trail = new ArrayList<>();
    for (JsonNode e : events(o, id)) {
      trail.add(
          new FaultFigures.Event(
              e.get("type").asString(),
              e.path("to").asString(null),
              e.path("reason").asString(null),
              Instant.parse(e.get("time").asString())));
    }
    return new HangRun(id, detectMs, error, FaultFigures.chipSecondsHeld(trail), ledger);
  }

  // ---- straggler ----

  private static StragglerRun straggler(Orchestrator o, Options options, JarDecisions decisions)
      throws Exception {
    JsonNode pool = get(o, "/api/v1/pools/" + POOL);
    // The pool's settings when the pools API shows them; otherwise their documented defaults.
    double factor = number(pool, "stragglerFactor", 1.25);
    int window = (int) number(pool, "stragglerWindow", 20);
    String settings =
        pool.findValue("stragglerWindow") == null ? "pool defaults" : "from the pools API";
    int steps = Math.max(options.steps(), 2 * window + 120);
    ObjectNode spec = spec("bench-straggler", options, steps, "30s");
    spec.set("command", command(steps, options.stepMillis(), steps, "30s"));
    // Only measured here: whatever the pool's policy, this job is not to be restarted for it.
    spec.put("stragglerPolicy", "observe");
    String id = submit(o, spec);
    JsonNode running =
        await(o, "/api/v1/jobs/" + id, j -> j.at("/progress/step").asLong(0) >= window + 10, 180);
    int attempt = running.get("attempt").asInt();
    Instant slowedAt = Instant.now();
    inject(
        o,
        running.at("/placement/1/node").asString(),
        running.at("/placement/1/chips/0").asInt(),
        "{\"kind\":\"SLOW\",\"factor\":" + options.slowFactor() + "}");
    JsonNode done = await(o, "/api/v1/jobs/" + id, FaultBench::terminal, 300);
    if (!"SUCCEEDED".equals(done.get("state").asString())) {
      throw new IllegalStateException("the slowed job did not finish: " + done);
    }
    List<FaultFigures.Sample> series = new ArrayList<>();
    for (FaultFigures.Sample s : series(o, id)) {
      if (s.attempt() == attempt) {
        series.add(s);
      }
    }
    long first =
        FaultFigures.firstStepAfter(series, 1, attempt, slowedAt)
            .orElseThrow(() -> new IllegalStateException("no step of rank 1 after the slowdown"));
    JsonNode event = null;
    for (JsonNode e : events(o, id)) {
      if ("job.straggler".equals(e.get("type").asString())) {
        event = e;
        break;
      }
    }
    Long flagged;
    String source;
    if (event != null) {
      Instant at = Instant.parse(event.get("time").asString());
      flagged =
          series.stream()
              .filter(s -> s.rank() == 1 && !s.time().isAfter(at))
              .mapToLong(FaultFigures.Sample::step)
              .max()
              .stream()
              .boxed()
              .findFirst()
              .orElse(null);
      source = "the runner's job.straggler event";
    } else {
      OptionalLong replayed =
          FaultFigures.firstFlaggedStep(series, 1, first, factor, window, decisions::detect);
      flagged = replayed.isPresent() ? replayed.getAsLong() : null;
      source = "StragglerDetector replayed over the real series (no job.straggler event yet)";
    }
    source += "; factor and window: " + settings;
    double slow = medianCompute(series, 1, first);
    double gang = medianCompute(series, 0, first);
    return new StragglerRun(
        id,
        first,
        flagged,
        flagged == null ? null : FaultFigures.stepsToDetect(first, flagged),
        source,
        factor,
        window,
        slow,
        gang);
  }

  private static double medianCompute(List<FaultFigures.Sample> series, int rank, long from) {
    double[] values =
        series.stream()
            .filter(s -> s.rank() == rank && s.step() >= from && s.computeMs() != null)
            .mapToDouble(FaultFigures.Sample::computeMs)
            .sorted()
            .toArray();
    return values.length == 0 ? Double.NaN : values[values.length / 2];
  }

  private static List<FaultFigures.Sample> series(Orchestrator o, String id) throws Exception {
    List<FaultFigures.Sample> series = new ArrayList<>();
    for (JsonNode p : get(o, "/api/v1/jobs/" + id + "/progress").get("points")) {
      series.add(
          new FaultFigures.Sample(
              p.get("rank").asInt(),
              p.get("step").asLong(),
              p.hasNonNull("stepMs") ? p.get("stepMs").asDouble() : null,
              p.hasNonNull("computeMs") ? p.get("computeMs").asDouble() : null,
              Instant.parse(p.get("time").asString()),
              p.path("attempt").asInt(1)));
    }
    return series;
  }

  private static double number(JsonNode pool, String field, double fallback) {
    JsonNode value = pool.findValue(field);
    return value != null && value.isNumber() ? value.asDouble() : fallback;
  }

  // ---- report ----

  private static void report(
      Options options,
      List<HangRun> hangs,
      StragglerRun straggler,
      List<FaultFigures.ReplaceCase> cases,
      List<FaultFigures.Verdict> verdicts)
      throws Exception {
    long[] detect = hangs.stream().mapToLong(HangRun::detectMs).sorted().toArray();
    double goodputError = hangs.stream().mapToDouble(HangRun::goodputErrorPct).max().orElseThrow();
    System.out.printf("%-58s %s%n", "soft faults (demo trainer, 2 nodes × 8 chips)", "figure");
    System.out.printf(
        "%-58s %d ms p50, %d ms max (%d runs, target ≤ 2000)%n",
        "hang detected, past last step + " + options.hangTimeoutSeconds() + " s timeout",
        FaultFigures.percentile(detect, 50),
        detect[detect.length - 1],
        detect.length);
    for (HangRun h : hangs) {
      JsonNode c = h.ledger().get("chipSeconds");
      System.out.printf(
          "%-58s allocated %.1f = productive %.1f + redone %.1f + recovery %.1f + stalled %.1f"
              + " (error %.3f %%)%n",
          "  ledger of hung job " + h.jobId().substring(0, 8) + " (chip-s)",
          c.get("allocated").asDouble(),
          c.get("productive").asDouble(),
          c.get("redone").asDouble(),
          c.get("recovery").asDouble(),
          c.get("stalled").asDouble(),
          h.goodputErrorPct());
    }
    System.out.printf(
        "%-58s %.3f %% (worst run, target ≤ 1)%n",
        "goodput |Σ parts − allocated| / allocated", goodputError);
    double heldError =
        hangs.stream()
            .mapToDouble(
                h ->
                    FaultFigures.errorPct(
                        h.ledger().at("/chipSeconds/allocated").asDouble(), h.heldPerEvents()))
            .max()
            .orElseThrow();
    System.out.printf(
        "%-58s %.3f %% (worst run)%n",
        "goodput allocated vs chips × held time per the events", heldError);
    System.out.printf(
        "%-58s rank 1 median computeMs %.1f vs rank 0 %.1f after step %d (SLOW ×%s)%n",
        "straggler: slowed rank vs gang",
        straggler.slowComputeMs(),
        straggler.gangComputeMs(),
        straggler.firstSlowStep(),
        options.slowFactor());
    System.out.printf(
        "%-58s %s (flagged at step %s; factor %.2f, window %d, target ≤ %d)%n",
        "straggler: slowed steps until flagged",
        straggler.steps() == null ? "never" : straggler.steps().toString(),
        straggler.flaggedAtStep() == null ? "-" : straggler.flaggedAtStep().toString(),
        straggler.factor(),
        straggler.window(),
        straggler.window() + 5);
    System.out.printf("%-58s %s%n", "  measured by", straggler.source());
    boolean allCorrect = true;
    System.out.printf("%-58s %s%n", "replace decisions (ReplaceDecision, scripted)", "");
    for (int i = 0; i < cases.size(); i++) {
      FaultFigures.ReplaceCase c = cases.get(i);
      FaultFigures.Verdict v = verdicts.get(i);
      boolean ok = FaultFigures.matches(c, v);
      allCorrect &= ok;
      System.out.printf(
          "%-58s %s: %s%n",
          "  " + c.name() + " → expected " + word(c.expected()),
          ok ? "ok" : "WRONG (" + word(v.replace()) + ")",
          v.arithmetic());
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", "faults");
    figures.put("hangRuns", hangs.size());
    figures.put("hangTimeoutMs", options.hangTimeoutSeconds() * 1000L);
    figures.put("hangDetectMs", detect[detect.length - 1]);
    figures.put("hangDetectMsP50", FaultFigures.percentile(detect, 50));
    figures.put("stragglerDetectSteps", straggler.steps());
    figures.put("stragglerWindow", straggler.window());
    figures.put(
        "stragglerSource",
        straggler.source().startsWith("the runner") ? "event" : "detector-replay");
    figures.put("replaceDecisionCorrect", allCorrect);
    figures.put("replaceCases", cases.size());
    figures.put("goodputSumErrorPct", Math.round(goodputError * 1000) / 1000.0);
    figures.put("goodputAllocatedVsEventsPct", Math.round(heldError * 1000) / 1000.0);
    System.out.println(JSON.writeValueAsString(figures));
  }

  private static String word(Boolean replace) {
    return replace == null ? "cannot judge" : replace ? "replace" : "keep";
  }

  // ---- the API ----

  private static ObjectNode spec(String name, Options options, int checkpointEvery, String peer) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", name);
    spec.put("team", "bench");
    spec.put("pool", POOL);
    spec.set("command", command(options.steps(), options.stepMillis(), checkpointEvery, peer));
    spec.put("nodes", 2);
    spec.put("chipsPerNode", 8);
    spec.put("maxRestarts", 2);
    return spec;
  }

  private static tools.jackson.databind.node.ArrayNode command(
      int steps, int stepMillis, int checkpointEvery, String peerTimeout) {
    var command = JSON.createArrayNode();
    for (String arg :
        List.of(
            "java",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            "$(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar",
            "train",
            "--steps",
            Integer.toString(steps),
            "--step-millis",
            Integer.toString(stepMillis),
            "--checkpoint-every",
            Integer.toString(checkpointEvery),
            "--peer-timeout",
            peerTimeout)) {
      command.add(arg);
    }
    return command;
  }

  private static String submit(Orchestrator o, JsonNode spec) throws Exception {
    HttpResponse<String> created = send(o, "POST", "/api/v1/jobs", spec.toString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("job refused: " + created.body());
    }
    return JSON.readTree(created.body()).get("id").asString();
  }

  private static void inject(Orchestrator o, String node, int chip, String kind) throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree(kind);
    body.put("node", node);
    body.put("chip", chip);
    HttpResponse<String> response = send(o, "POST", "/api/v1/simulation/faults", body.toString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("injection refused: " + response.body());
    }
  }

  private static void clearFaults(Orchestrator o) throws Exception {
    send(o, "DELETE", "/api/v1/simulation/faults", null);
  }

  private static List<JsonNode> events(Orchestrator o, String id) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    get(o, "/api/v1/jobs/" + id + "/events?limit=500").get("items").forEach(events::add);
    return events;
  }

  private static JsonNode awaitEvent(Orchestrator o, String id, Predicate<JsonNode> wanted)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode e : events(o, id)) {
        if (wanted.test(e)) {
          return e;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("job " + id + ": the awaited event did not come in 120 s");
  }

  private static JsonNode get(Orchestrator o, String path) throws Exception {
    HttpResponse<String> response = send(o, "GET", path, null);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> send(Orchestrator o, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request = o.request(path);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return o.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode await(Orchestrator o, String path, Predicate<JsonNode> done, int seconds)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(seconds);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = send(o, "GET", path, null);
      last = JSON.readTree(response.body());
      if (response.statusCode() == 200 && done.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(path + " not done within " + seconds + " s; last: " + last);
  }

  private static boolean terminal(JsonNode job) {
    return Arrays.asList("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString());
  }
}
