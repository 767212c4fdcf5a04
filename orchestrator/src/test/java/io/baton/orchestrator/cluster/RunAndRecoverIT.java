package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Jobs really run on the local backend: the demo trainer's ranks as child processes on simulated
 * nodes with in-process agents; faults injected, ranks killed, jobs cancelled.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.local.agent-interval=500ms",
      "baton.nodes.timeout=3s",
      "baton.scheduler.tick-interval=500ms",
      // The default pools, and a small one whose derived hang timeouts have a short floor.
      "baton.pools[0].name=ascend-910b",
      "baton.pools[0].role=TRAINING",
      "baton.pools[0].accelerator=ascend-910b",
      "baton.pools[0].nodes=4",
      "baton.pools[0].chips-per-node=8",
      "baton.pools[0].resource-name=huawei.com/Ascend910",
      // Chips isolated by the fault policy (a FAULT code, a link DOWN) come back soon.
      "baton.pools[0].isolation-cooldown=2s",
      "baton.pools[1].name=nvidia-h100",
      "baton.pools[1].role=INFERENCE",
      "baton.pools[1].accelerator=nvidia-h100",
      "baton.pools[1].nodes=2",
      "baton.pools[1].chips-per-node=8",
      "baton.pools[1].resource-name=nvidia.com/gpu",
      "baton.pools[2].name=ascend-watched",
      "baton.pools[2].role=TRAINING",
      "baton.pools[2].accelerator=ascend-910b",
      "baton.pools[2].nodes=2",
      "baton.pools[2].chips-per-node=8",
      "baton.pools[2].resource-name=huawei.com/Ascend910",
      "baton.pools[2].hang-timeout-floor=3s",
      "baton.pools[2].startup-timeout=60s"
    })
class RunAndRecoverIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path DATA_DIR = tempDir();
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
  }

  @LocalServerPort int port;
  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, io.baton.orchestrator.support.IntegrationTest.adminToken(DATA_DIR));
    assertThat(DEMO).as("the demo model is built before the orchestrator's tests").exists();
  }

  @AfterEach
  void clearFaults() {
    api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/simulation/faults")).DELETE());
  }

  @Test
  void demoTrainRunsToSuccessWithCheckpointsAndAProgressSeries() throws Exception {
    ObjectNode spec =
        (ObjectNode) JSON.readTree(Path.of("..", "examples", "jobs", "demo-train.json").toFile());
    spec.set("command", command(200, 20, 50));

    String id = submit(spec);
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(90));

    assertThat(done.get("state").asString()).as(logs(id)).isEqualTo("SUCCEEDED");
    // The ranks' last lines reach Baton with their agent's next report, just after the exit.
    done = await(id, j -> j.at("/latestCheckpoint/step").asLong(0) == 200, Duration.ofSeconds(10));
    assertThat(done.at("/progress/step").asLong()).isEqualTo(200);
    assertThat(done.get("placement")).hasSize(2);
    assertThat(done.get("restarts").asInt()).isZero();
    assertThat(eventTypes(id).stream().filter("checkpoint.reported"::equals).count())
        .isGreaterThanOrEqualTo(2);
    assertThat(transitions(id))
        .containsSubsequence(
            "QUEUED->ADMITTED", "ADMITTED->STARTING", "STARTING->RUNNING", "RUNNING->SUCCEEDED");
    assertThat(api.get("/api/v1/jobs/" + id + "/progress").json().get("points").size())
        .isGreaterThan(20);
    assertThat(api.get("/api/v1/jobs/" + id + "/logs?rank=0&tail=5").body()).isNotNull();
    assertThat(freeChips()).isEqualTo(32);
  }

  @Test
  void aChipFaultMidRunResumesFromACheckpointOnHealthyChips() throws Exception {
    String id = submit(spec(300, 40, 50));
    JsonNode running =
        await(id, j -> j.at("/latestCheckpoint/step").asLong(0) >= 50, Duration.ofSeconds(60));
    String faulty = running.at("/placement/0/node").asString();

    inject(faulty, 3);
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(90));

    assertThat(done.get("state").asString()).as(logs(id)).isEqualTo("SUCCEEDED");
    assertThat(done.get("infraRestarts").asInt()).isEqualTo(1);
    assertThat(done.get("restarts").asInt()).isZero();
    assertThat(done.get("attempt").asInt()).isEqualTo(2);
    List<String> nodes = new ArrayList<>();
    done.get("placement").forEach(p -> nodes.add(p.get("node").asString()));
    assertThat(nodes).doesNotContain(faulty);
    assertThat(done.get("resumeFrom").asString()).contains("step-");
    assertThat(resumedStepsOfAttempt(id, 2)).allSatisfy(step -> assertThat(step).isGreaterThan(0));
    assertThat(transitions(id)).contains("RUNNING->RECOVERING", "RECOVERING->ADMITTED");
    assertThat(reasons(id))
        .anySatisfy(
            r -> assertThat(r).contains("infrastructure failure: chip " + faulty + "/3 FAULT"));
    assertThat(reasons(id))
        .anySatisfy(r -> assertThat(r).contains("resuming from step").contains("steps lost"));
  }

  @Test
  void aKilledRankIsAnApplicationRestart() throws Exception {
    String id = submit(spec(300, 40, 50));
    await(
        id,
        j ->
            j.at("/latestCheckpoint/step").asLong(0) >= 50
                && "RUNNING".equals(j.get("state").asString()),
        Duration.ofSeconds(60));

    ProcessHandle rank1 = rankProcess(id, 1, 1);
    rank1.destroyForcibly();
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(90));

    assertThat(done.get("state").asString()).as(logs(id)).isEqualTo("SUCCEEDED");
    assertThat(done.get("restarts").asInt()).isEqualTo(1);
    assertThat(done.get("infraRestarts").asInt()).isZero();
    assertThat(reasons(id)).anySatisfy(r -> assertThat(r).startsWith("application failure: rank"));
    assertThat(resumedStepsOfAttempt(id, 2)).allSatisfy(step -> assertThat(step).isGreaterThan(0));
  }

  @Test
  void aCorruptNewestCheckpointIsSkippedForTheOneBefore() throws Exception {
    String id = submit(spec(400, 100, 50));
    JsonNode running =
        await(id, j -> j.at("/latestCheckpoint/step").asLong(0) >= 100, Duration.ofSeconds(60));
    long newest = running.at("/latestCheckpoint/step").asLong();
    Path file =
        DATA_DIR
            .resolve("checkpoints")
            .resolve(id)
            .resolve(running.at("/latestCheckpoint/uri").asString());
    Files.write(file, new byte[] {1, 2, 3});

    inject(running.at("/placement/0/node").asString(), 0);
    JsonNode recovered = await(id, j -> j.get("attempt").asInt() == 2, Duration.ofSeconds(60));

    assertThat(recovered.get("resumeFrom").asString()).contains("step-" + (newest - 50) + "/");
    assertThat(reasons(id))
        .anySatisfy(r -> assertThat(r).contains("skipped unverifiable [step-" + newest + "]"));
    api.post("/api/v1/jobs/" + id + "/cancel", "");
    await(id, j -> terminal(j), Duration.ofSeconds(30));
  }

  @Test
  void cancellingARunningJobStopsEveryRank() throws Exception {
    String id = submit(spec(2000, 50, 500));
    await(id, j -> "RUNNING".equals(j.get("state").asString()), Duration.ofSeconds(60));
    List<ProcessHandle> ranks = List.of(rankProcess(id, 1, 0), rankProcess(id, 1, 1));

    JsonNode cancelling = api.post("/api/v1/jobs/" + id + "/cancel", "").json();
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(30));

    assertThat(cancelling.get("state").asString()).isEqualTo("CANCELLING");
    assertThat(done.get("state").asString()).isEqualTo("CANCELLED");
    assertThat(ranks).noneMatch(ProcessHandle::isAlive);
    assertThat(freeChips()).isEqualTo(32);
  }

  @Test
  void aCommandThatCannotStartFailsTheJobOnceItsRestartsAreSpent() throws Exception {
    ObjectNode spec = spec(10, 0, 5);
    spec.set("command", JSON.createArrayNode().add("no-such-program-here"));
    spec.put("maxRestarts", 1);

    String id = submit(spec);
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(60));

    assertThat(done.get("state").asString()).isEqualTo("FAILED");
    assertThat(done.get("restarts").asInt()).isEqualTo(2);
    assertThat(done.get("reason").asString())
        .contains("exited with code 127")
        .contains("(last output: ")
        .contains("no-such-program-here")
        .contains("restart budget spent");
    assertThat(freeChips()).isEqualTo(32);
  }

  @Test
  void aHungChipStallsTheJobWhichIsRestartedFromItsCheckpointAsAHang() throws Exception {
    ObjectNode spec = spec(300, 40, 50);
    // The other rank waits in the exchange far longer than the hang timeout, as HCCL's 30 minutes.
    spec.set("command", command(300, 40, 50, "60s"));
    spec.put("hangTimeout", "PT3S");
    String id = submit(spec);
    JsonNode running =
        await(
            id,
            j ->
                "RUNNING".equals(j.get("state").asString())
                    && j.at("/latestCheckpoint/step").asLong(0) >= 50,
            Duration.ofSeconds(60));

    assertThat(running.at("/hangTimeout/duration").asString()).isEqualTo("PT3S");
    assertThat(running.at("/hangTimeout/source").asString()).isEqualTo("spec");
    assertThat(running.at("/progress/lastStepAt").asString()).isNotBlank();
    injectKind(
        running.at("/placement/0/node").asString(),
        running.at("/placement/0/chips/0").asInt(),
        "HANG");
    JsonNode recovering = awaitRecovering(id);
    clearFaults();
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(90));

    assertThat(done.get("state").asString()).as(logs(id)).isEqualTo("SUCCEEDED");
    assertThat(done.get("infraRestarts").asInt()).isEqualTo(1);
    assertThat(done.get("restarts").asInt()).isZero();
    assertThat(done.get("resumeFrom").asString()).contains("step-");
    assertThat(resumedStepsOfAttempt(id, 2)).allSatisfy(step -> assertThat(step).isGreaterThan(0));
    String cause = recovering.get("reason").asString();
    assertThat(cause)
        .startsWith("HANG: no new step for PT3S (hang timeout from spec); last steps: rank 0 step ")
        .contains(", rank 1 step ");
    assertThat(detectedAfterLastStep(recovering))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3))
        .isLessThan(Duration.ofSeconds(8));
    assertThat(restartReasons(id))
        .singleElement()
        .satisfies(r -> assertThat(r).startsWith("HANG: ").contains("resuming from step"));
    assertThat(api.get("/api/v1/jobs/" + id + "/logs?rank=0&attempt=1").body())
        .contains("hangs (simulated): no step");
  }

  @Test
  void withoutASpecTimeoutAHangIsDetectedAfterTheDerivedTimeoutAboveThePoolsFloor()
      throws Exception {
    ObjectNode spec = spec(300, 20, 50);
    spec.set("command", command(300, 20, 50, "60s"));
    spec.put("pool", "ascend-watched");
    String id = submit(spec);
    JsonNode running =
        await(
            id,
            j ->
                "RUNNING".equals(j.get("state").asString())
                    && j.at("/latestCheckpoint/step").asLong(0) >= 50,
            Duration.ofSeconds(60));

    assertThat(running.at("/hangTimeout/source").asString()).isEqualTo("floor");
    assertThat(running.at("/hangTimeout/duration").asString()).isEqualTo("PT3S");
    injectKind(
        running.at("/placement/1/node").asString(),
        running.at("/placement/1/chips/5").asInt(),
        "HANG");
    JsonNode recovering = awaitRecovering(id);
    clearFaults();
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(90));

    assertThat(done.get("state").asString()).as(logs(id)).isEqualTo("SUCCEEDED");
    assertThat(recovering.get("reason").asString())
        .startsWith("HANG: no new step for PT3S (hang timeout from floor)");
    assertThat(done.get("infraRestarts").asInt()).isEqualTo(1);
    assertThat(resumedStepsOfAttempt(id, 2)).allSatisfy(step -> assertThat(step).isGreaterThan(0));
  }

  @Test
  void aSlowChipStretchesItsRanksComputeWhileBothRanksStepTogether() throws Exception {
    String id = submit(spec(200, 20, 100));
    JsonNode running =
        await(id, j -> j.at("/progress/step").asLong(0) >= 20, Duration.ofSeconds(60));

    String slow = running.at("/placement/1/node").asString();
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\""
                + slow
                + "\",\"chip\":"
                + running.at("/placement/1/chips/2").asInt()
                + ",\"kind\":\"SLOW\",\"factor\":4}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(90));
    await(id, j -> j.at("/progress/step").asLong(0) == 200, Duration.ofSeconds(10));

    assertThat(done.get("state").asString()).as(logs(id)).isEqualTo("SUCCEEDED");
    assertThat(done.get("restarts").asInt() + done.get("infraRestarts").asInt()).isZero();
    double slowCompute = medianOfTail(id, 1, "computeMs");
    double healthyCompute = medianOfTail(id, 0, "computeMs");
    assertThat(slowCompute).isGreaterThanOrEqualTo(60).isGreaterThan(3 * healthyCompute);
    assertThat(medianOfTail(id, 0, "stepMs") / medianOfTail(id, 1, "stepMs"))
        .as("synchronous training: both ranks step at the slow one's pace")
        .isBetween(0.8, 1.25);
  }

  @Test
  void faultKindsAreCheckedAndSoftOnesReachTheNodesRanksThroughItsFile(
      @org.springframework.beans.factory.annotation.Autowired
          io.baton.orchestrator.cluster.local.SimulatedAgents agents)
      throws Exception {
    String node = "ascend-910b-3";
    Path file = DATA_DIR.resolve("nodes").resolve(node).resolve("simulated-faults");
    String[] accepted = {
      "{\"node\":\"" + node + "\",\"chip\":1,\"health\":\"WARNING\"}",
      "{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"SLOW\",\"factor\":1.5}",
      "{\"node\":\"" + node + "\",\"chip\":5,\"kind\":\"HANG\"}",
      "{\"node\":\"" + node + "\",\"chip\":6,\"kind\":\"LINK_DOWN\"}"
    };
    List<String> kinds = new ArrayList<>();
    for (String body : accepted) {
      Api.Response response = api.post("/api/v1/simulation/faults", body);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      kinds.add(response.json().get("kind").asString());
    }

    assertThat(kinds).containsExactly("FAULT", "SLOW", "HANG", "LINK_DOWN");
    assertThat(Files.readAllLines(file)).containsExactly("3 SLOW 1.5", "5 HANG", "6 LINK_DOWN");
    assertThat(agents.linkDown(node, 6)).isTrue();
    assertThat(agents.linkDown(node, 5)).isFalse();
    // The node's agent reports the chip's link DOWN: the node's chips show it as sent.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(
            () ->
                api.get("/api/v1/nodes/" + node)
                    .json()
                    .at("/chips/6/links/0/state")
                    .asString("")
                    .equals("DOWN"));
    assertThat(api.get("/api/v1/nodes/" + node).json().at("/chips/5/links/0/state").asString())
        .isEqualTo("UP");
    List<String> audited = new ArrayList<>();
    api.get("/api/v1/audit?type=fault.injected&limit=500")
        .json()
        .get("items")
        .forEach(e -> audited.add(e.get("subject").asString() + " " + e.get("reason").asString()));
    assertThat(audited)
        .contains(
            "node/" + node + "/chips/3 SLOW x1.5",
            "node/" + node + "/chips/5 HANG",
            "node/" + node + "/chips/6 LINK_DOWN");

    String[][] refused = {
      {"{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"SLOW\"}", "factor"},
      {"{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"SLOW\",\"factor\":1}", "factor"},
      {"{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"SLOW\",\"factor\":101}", "factor"},
      {"{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"HANG\",\"factor\":2}", "factor"},
      {"{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"MELT\"}", "kind"},
      {"{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"HANG\",\"health\":\"OK\"}", "health"},
      {"{\"node\":\"" + node + "\",\"chip\":3,\"kind\":\"FAULT\"}", "health"},
      {"{\"node\":\"" + node + "\",\"chip\":8,\"kind\":\"HANG\"}", "chip"}
    };
    for (String[] body : refused) {
      JsonNode problem =
          api.post("/api/v1/simulation/faults", body[0]).problem(400, "invalid-parameter");
      assertThat(problem.at("/errors/0/field").asString()).as(body[0]).isEqualTo(body[1]);
    }
    api.post("/api/v1/simulation/faults", "{\"node\":\"nowhere\",\"chip\":0,\"kind\":\"HANG\"}")
        .problem(404, "not-found");

    api.send(
        java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/simulation/faults?node=" + node))
            .DELETE());
    assertThat(file).doesNotExist();
    assertThat(agents.linkDown(node, 6)).isFalse();
  }

  // ---- helpers ----

  private ObjectNode spec(int steps, int stepMillis, int checkpointEvery) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "recover-me");
    spec.put("team", "research");
    spec.put("pool", "ascend-910b");
    spec.set("command", command(steps, stepMillis, checkpointEvery));
    spec.put("nodes", 2);
    spec.put("chipsPerNode", 8);
    spec.put("maxRestarts", 2);
    return spec;
  }

  private static ArrayNode command(int steps, int stepMillis, int checkpointEvery) {
    return command(steps, stepMillis, checkpointEvery, "5s");
  }

  private static ArrayNode command(
      int steps, int stepMillis, int checkpointEvery, String peerTimeout) {
    ArrayNode command = JSON.createArrayNode();
    for (String arg :
        List.of(
            "java",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            DEMO.toString(),
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

  private String submit(JsonNode spec) {
    return api.submitJob(spec.toString());
  }

  private void inject(String node, int chip) {
    api.injectChipFault(node, chip);
  }

  private void injectKind(String node, int chip, String kind) {
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\"" + node + "\",\"chip\":" + chip + ",\"kind\":\"" + kind + "\"}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);
  }

  /** The job's move to RECOVERING, once it happened. */
  private JsonNode awaitRecovering(String id) throws InterruptedException {
    return Eventually.value(
        () -> {
          for (JsonNode e : events(id)) {
            if ("RECOVERING".equals(e.path("to").asString(null))) {
              return e;
            }
          }
          return null;
        },
        java.util.Objects::nonNull,
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        none -> "job " + id + " never went RECOVERING\n" + logs(id));
  }

  /** From the newest last step a hang's cause names to the event that told it. */
  private static Duration detectedAfterLastStep(JsonNode recovering) {
    java.util.regex.Matcher at =
        java.util.regex.Pattern.compile(" at (\\S+?)(,|$)")
            .matcher(recovering.get("reason").asString());
    Instant last = Instant.EPOCH;
    while (at.find()) {
      Instant step = Instant.parse(at.group(1));
      last = step.isAfter(last) ? step : last;
    }
    return Duration.between(last, Instant.parse(recovering.get("time").asString()));
  }

  private List<String> restartReasons(String id) {
    return events(id).stream()
        .filter(e -> e.get("type").asString().equals("job.restart"))
        .map(e -> e.get("reason").asString())
        .toList();
  }

  /** The median of a field over the last 60 steps a rank reported in the first attempt. */
  private double medianOfTail(String id, int rank, String field) {
    List<Double> values = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/progress")
        .json()
        .get("points")
        .forEach(
            p -> {
              if (p.get("rank").asInt() == rank && p.get("step").asLong() > 140) {
                values.add(p.get(field).asDouble());
              }
            });
    assertThat(values).as("%s of rank %d", field, rank).hasSizeGreaterThan(40);
    values.sort(null);
    return values.get(values.size() / 2);
  }

  private JsonNode await(String id, Predicate<JsonNode> condition, Duration timeout)
      throws InterruptedException {
    return Eventually.value(
        () -> api.get("/api/v1/jobs/" + id).json(),
        condition,
        timeout,
        Duration.ofMillis(200),
        job ->
            "job " + id + " did not get there in " + timeout + "; last: " + job + "\n" + logs(id));
  }

  private static boolean terminal(JsonNode job) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString());
  }

  private ProcessHandle rankProcess(String id, int attempt, int rank) {
    Path pid =
        DATA_DIR
            .resolve("work")
            .resolve(id)
            .resolve(Integer.toString(attempt))
            .resolve("rank-" + rank)
            .resolve("pid");
    try {
      long value = Long.parseLong(Files.readString(pid).trim().split(" ")[0]);
      return ProcessHandle.of(value)
          .orElseThrow(() -> new AssertionError("rank " + rank + " not running"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Long> resumedStepsOfAttempt(String id, int attempt) {
    List<Long> steps = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/progress")
        .json()
        .get("points")
        .forEach(
            p -> {
              if (p.path("attempt").asInt(-1) == attempt) {
                steps.add(p.get("step").asLong());
              }
            });
    assertThat(steps).as("progress of attempt %d", attempt).isNotEmpty();
    return steps;
  }

  private List<JsonNode> events(String id) {
    List<JsonNode> events = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/events?limit=500").json().get("items").forEach(events::add);
    return events;
  }

  private List<String> eventTypes(String id) {
    return events(id).stream().map(e -> e.get("type").asString()).toList();
  }

  private List<String> transitions(String id) {
    return events(id).stream()
        .filter(e -> e.get("type").asString().equals("job.state"))
        .map(e -> e.get("from").asString(null) + "->" + e.get("to").asString())
        .toList();
  }

  private List<String> reasons(String id) {
    return events(id).stream().map(e -> e.path("reason").asString("")).toList();
  }

  private String logs(String id) {
    return "rank 0:\n"
        + api.get("/api/v1/jobs/" + id + "/logs?rank=0&tail=20").body()
        + "\nrank 1:\n"
        + api.get("/api/v1/jobs/" + id + "/logs?rank=1&tail=20").body();
  }

  private int freeChips() throws InterruptedException {
    // The count when all 32 are back, or the last one read after 10 s: the caller asserts on it.
    java.util.concurrent.atomic.AtomicInteger schedulable =
        new java.util.concurrent.atomic.AtomicInteger();
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                schedulable.set(
                    api.get("/api/v1/pools/ascend-910b")
                        .json()
                        .at("/capacity/chipsSchedulable")
                        .asInt());
                return schedulable.get() == 32;
              });
    } catch (org.awaitility.core.ConditionTimeoutException notAllBack) {
      // reported by the caller's assertion on the count
    }
    return schedulable.get();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-run-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
