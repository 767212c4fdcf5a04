package io.baton.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ./bench/run promotion [--promotions N] [--replicas R]}: the control plane's overhead of a
 * promotion. The orchestrator jar runs on embedded PostgreSQL with the local backend; the demo
 * trainer makes ten real checkpoints; then N promotions of them to one endpoint run one after the
 * other, each through every gate to ACTIVE (a parity canary, then a canary and R−1 more replicas of
 * the demo server). Per promotion: total = endedAt − createdAt (server clock); replica time = what
 * the replicas took to start and load the model (parity canary, rollout canary, the rest, from the
 * gates' evidence); overhead = total − replica time. Last line: one JSON object.
 */
final class PromotionBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private PromotionBench() {}

  static void run(Path root, String[] args) throws Exception {
    int promotions = 25;
    int replicas = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--promotions" -> promotions = Integer.parseInt(args[i + 1]);
        case "--replicas" -> replicas = Integer.parseInt(args[i + 1]);
        default -> usage();
      }
    }
    if (args.length % 2 != 0 || promotions < 1 || replicas < 1) {
      usage();
    }
    Path work = Files.createTempDirectory("baton-bench-promotion-");
    try (Orchestrator orchestrator =
        Orchestrator.start(
            root, work.resolve("data"), "--baton.cluster.local.agent-interval=500ms")) {
      List<JsonNode> checkpoints = train(orchestrator);
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < promotions; i++) {
        samples.add(promote(orchestrator, checkpoints.get(i % checkpoints.size()), replicas));
      }
      report(samples, replicas);
    }
  }

  private static void usage() {
    System.err.println("usage: ./bench/run promotion [--promotions N] [--replicas R]");
    System.exit(2);
  }

  private static List<JsonNode> train(Orchestrator o) throws Exception {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "bench-train");
    spec.put("team", "bench");
    spec.put("pool", "ascend-910b");
    var command = spec.putArray("command");
    for (String arg :
        List.of(
            "java",
            "-Xmx128m",
            "-jar",
            "$(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar",
            "train",
            "--steps",
            "200",
            "--checkpoint-every",
            "20",
            "--step-millis",
            "5")) {
      command.add(arg);
    }
    spec.put("nodes", 1);
    spec.put("chipsPerNode", 8);
    spec.putObject("checkpoint").put("keepLast", 100);
    String id = JSON.readTree(post(o, "/api/v1/jobs", spec.toString()).body()).get("id").asString();
    JsonNode job = await(o, "/api/v1/jobs/" + id, j -> terminal(j.get("state").asString()), 180);
    if (!job.get("state").asString().equals("SUCCEEDED")) {
      throw new IllegalStateException("the training job ended " + job);
    }
    JsonNode items =
        await(o, "/api/v1/checkpoints?jobId=" + id, p -> p.get("items").size() == 10, 30)
            .get("items");
    List<JsonNode> list = new ArrayList<>();
    items.forEach(list::add);
    return list;
  }

  /** One promotion's figures, in milliseconds. */
  record Sample(long total, long replicas, long answers, String state) {
    long overhead() {
      return total - replicas;
    }
  }

  private static Sample promote(Orchestrator o, JsonNode checkpoint, int replicas)
      throws Exception {
    ObjectNode request = JSON.createObjectNode();
    request.put("checkpointId", checkpoint.get("id").asString());
    request.put("endpoint", "bench-classifier");
    request.put("replicas", replicas);
    HttpResponse<String> created = post(o, "/api/v1/promotions", request.toString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("promotion refused: " + created.body());
    }
    String id = JSON.readTree(created.body()).get("id").asString();
    JsonNode p =
        await(
            o,
            "/api/v1/promotions/" + id,
            n -> List.of("ACTIVE", "REJECTED", "ROLLED_BACK").contains(n.get("state").asString()),
            180);
    if (!p.get("state").asString().equals("ACTIVE")) {
      throw new IllegalStateException("promotion did not become ACTIVE: " + p);
    }
    long total =
        Duration.between(
                Instant.parse(p.get("createdAt").asString()),
                Instant.parse(p.get("endedAt").asString()))
            .toMillis();
    JsonNode parity = gate(p, "PARITY").get("evidence");
    JsonNode rollout = gate(p, "ROLLING_OUT").get("evidence");
    long replicaMs =
        parity.path("readinessMs").asLong()
            + rollout.path("canaryReadyMs").asLong()
            + rollout.path("replicasReadyMs").asLong();
    long answers = parity.path("answerMs").asLong() + rollout.at("/golden/answerMs").asLong();
    return new Sample(total, replicaMs, answers, p.get("state").asString());
  }

  private static JsonNode gate(JsonNode promotion, String name) {
    for (JsonNode g : promotion.get("gates")) {
      if (g.get("name").asString().equals(name)) {
        return g;
      }
    }
    throw new IllegalStateException("no gate " + name + " in " + promotion);
  }

  private static void report(List<Sample> samples, int replicas) throws Exception {
    long[] total = samples.stream().mapToLong(Sample::total).sorted().toArray();
    long[] replica = samples.stream().mapToLong(Sample::replicas).sorted().toArray();
    long[] overhead = samples.stream().mapToLong(Sample::overhead).sorted().toArray();
    long[] answers = samples.stream().mapToLong(Sample::answers).sorted().toArray();
    System.out.printf(
        "%-34s %8s %8s %8s%n",
        "promotion to ACTIVE (" + samples.size() + " runs)", "p50 ms", "p99 ms", "max ms");
    row("total (created → ACTIVE)", total);
    row("replica start + model load", replica);
    row("golden answers (in replicas)", answers);
    row("control-plane overhead", overhead);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("benchmark", "promotion");
    figures.put("promotions", samples.size());
    figures.put("replicas", replicas);
    figures.put("totalMsP50", pct(total, 50));
    figures.put("totalMsP99", pct(total, 99));
    figures.put("replicaStartMsP50", pct(replica, 50));
    figures.put("overheadMsP50", pct(overhead, 50));
    figures.put("overheadMsP99", pct(overhead, 99));
    figures.put("overheadMsMax", overhead[overhead.length - 1]);
    System.out.println(JSON.writeValueAsString(figures));
  }

  private static void row(String name, long[] sorted) {
    System.out.printf(
        "%-34s %8d %8d %8d%n", name, pct(sorted, 50), pct(sorted, 99), sorted[sorted.length - 1]);
  }

  private static long pct(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static boolean terminal(String state) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state);
  }

  private static HttpResponse<String> post(Orchestrator o, String path, String body)
      throws Exception {
    return o.http.send(
        o.request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode await(
      Orchestrator o, String path, java.util.function.Predicate<JsonNode> done, int seconds)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(seconds);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response =
          o.http.send(o.request(path).build(), HttpResponse.BodyHandlers.ofString());
      last = JSON.readTree(response.body());
      if (response.statusCode() == 200 && done.test(last)) {
        return last;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(path + " not done within " + seconds + " s; last: " + last);
  }
}
