package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stragglers end to end on the local backend: the demo trainer's ranks as real processes, one of
 * them slowed by a simulated SLOW chip; Baton finds it, reports it once, records its chips'
 * reputation, and under {@code replace} restarts the job without its node.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.local.agent-interval=300ms",
      "baton.nodes.timeout=3s",
      "baton.scheduler.tick-interval=300ms",
      "baton.recovery.reconcile-interval=300ms",
      "baton.pools[0].name=slow-replace",
      "baton.pools[0].role=TRAINING",
      "baton.pools[0].accelerator=ascend-910b",
      "baton.pools[0].nodes=3",
      "baton.pools[0].chips-per-node=2",
      "baton.pools[0].resource-name=huawei.com/Ascend910",
      "baton.pools[0].straggler-policy=replace",
      "baton.pools[0].straggler-window=8",
      "baton.pools[1].name=slow-observe",
      "baton.pools[1].role=TRAINING",
      "baton.pools[1].accelerator=ascend-910b",
      "baton.pools[1].nodes=2",
      "baton.pools[1].chips-per-node=2",
      "baton.pools[1].resource-name=huawei.com/Ascend910",
      "baton.pools[1].straggler-policy=observe",
      "baton.pools[1].straggler-window=8"
    })
class StragglersIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path DATA_DIR = tempDir();
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
  }

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
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
  void underReplaceASlowChipsNodeIsLeftWhenTheRestOfTheRunPaysForTheRestart() throws Exception {
    String id = submit(spec("slow-replace", 3000));
    JsonNode running = awaitSteps(id, 20);
    String slow = slowDown(running, 1);

    JsonNode straggler = awaitEvent(id, "job.straggler");
    JsonNode moved =
        await(
            id,
            j -> j.get("attempt").asInt() == 2 && "RUNNING".equals(j.get("state").asString()),
            Duration.ofSeconds(60));

    assertThat(straggler.get("reason").asString())
        .startsWith("rank 1 on node " + slow + " (chips [0, 1]) is ")
        .contains("× slower than the rest of its gang")
        .contains("; policy replace; replacing pays: ");
    assertThat(restartReasons(id))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r)
                    .startsWith("STRAGGLER rank 1 on node " + slow)
                    .contains("replacing pays: ")
                    .contains(" steps left × ")
                    .contains(" relaunch = ")
                    .contains("resuming from"));
    List<String> nodes = new ArrayList<>();
    moved.get("placement").forEach(p -> nodes.add(p.get("node").asString()));
    assertThat(nodes).hasSize(2).doesNotContain(slow);
    assertThat(moved.get("infraRestarts").asInt()).isEqualTo(1);
    assertThat(slowdownsOf(slow, id)).isEqualTo(2);
    assertThat(metric("baton_straggler_replacements_total", "pool=\"slow-replace\""))
        .isGreaterThanOrEqualTo(1);

    api.post("/api/v1/jobs/" + id + "/cancel", "");
    await(id, StragglersIT::terminal, Duration.ofSeconds(30));
  }

  @Test
  void underReplaceAJobAlmostFinishedIsLeftWhereItIsAndTheEventSaysWhy() throws Exception {
    ObjectNode spec = spec("slow-replace", 200);
    // No checkpoint: a restart would redo every step so far.
    spec.set("command", command(200, 20, 1000));
    String id = submit(spec);
    JsonNode late = awaitSteps(id, 140);
    String slow = slowDown(late, 0, 3);

    JsonNode straggler = awaitEvent(id, "job.straggler");
    JsonNode done = await(id, StragglersIT::terminal, Duration.ofSeconds(60));

    assertThat(straggler.get("reason").asString())
        .startsWith("rank 0 on node " + slow)
        .contains("; policy replace; replacing does not pay: ");
    assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("restarts").asInt() + done.get("infraRestarts").asInt()).isZero();
    assertThat(restartReasons(id)).isEmpty();
  }

  @Test
  void underObserveTheStragglerIsReportedOnceAndTheJobRunsOnWhereItIs() throws Exception {
    String id = submit(spec("slow-observe", 160));
    JsonNode running = awaitSteps(id, 20);
    String slow = slowDown(running, 0);

    JsonNode done = await(id, StragglersIT::terminal, Duration.ofSeconds(90));

    assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("restarts").asInt() + done.get("infraRestarts").asInt()).isZero();
    assertThat(restartReasons(id)).isEmpty();
    List<String> stragglers =
        events(id).stream()
            .filter(e -> e.get("type").asString().equals("job.straggler"))
            .map(e -> e.get("reason").asString())
            .toList();
    assertThat(stragglers)
        .as("one event for the episode, not one per pass")
        .singleElement()
        .satisfies(
            r ->
                assertThat(r)
                    .startsWith("rank 0 on node " + slow + " (chips [0, 1]) is ")
                    .endsWith("; policy observe"));
    assertThat(slowdownsOf(slow, id)).isEqualTo(2);
    assertThat(metric("baton_stragglers_total", "pool=\"slow-observe\"")).isEqualTo(1);
  }

  // ---- helpers ----

  private ObjectNode spec(String pool, int steps) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "straggle");
    spec.put("team", "research");
    spec.put("pool", pool);
    spec.set("command", command(steps, 20, 50));
    spec.put("nodes", 2);
    spec.put("chipsPerNode", 2);
    spec.put("maxRestarts", 2);
    return spec;
  }

  private static ArrayNode command(int steps, int stepMillis, int checkpointEvery) {
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
            "5s")) {
      command.add(arg);
    }
    return command;
  }

  /** Makes the chips of the rank's node four times slower; returns the node. */
  private String slowDown(JsonNode job, int rank) {
    return slowDown(job, rank, 4);
  }

  /** Makes the chips of the rank's node {@code factor} times slower; returns the node. */
  private String slowDown(JsonNode job, int rank, int factor) {
    String node = job.at("/placement/" + rank + "/node").asString();
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\""
                + node
                + "\",\"chip\":"
                + job.at("/placement/" + rank + "/chips/0").asInt()
                + ",\"kind\":\"SLOW\",\"factor\":"
                + factor
                + "}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);
    return node;
  }

  /** The value of the Prometheus series named {@code name} whose labels include {@code label}. */
  private double metric(String name, String label) {
    return api.get("/actuator/prometheus")
        .body()
        .lines()
        .filter(l -> l.startsWith(name + "{") && l.contains(label))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private int slowdownsOf(String node, String job) {
    return jdbc.sql("SELECT count(*) FROM chip_slowdowns WHERE node = :node AND job_id = :job")
        .param("node", node)
        .param("job", java.util.UUID.fromString(job))
        .query(Integer.class)
        .single();
  }

  private String submit(JsonNode spec) {
    return api.submitJob(spec.toString());
  }

  private JsonNode awaitSteps(String id, long steps) throws InterruptedException {
    return await(
        id,
        j ->
            "RUNNING".equals(j.get("state").asString())
                && j.at("/progress/step").asLong(0) >= steps,
        Duration.ofSeconds(60));
  }

  private JsonNode awaitEvent(String id, String type) throws InterruptedException {
    return Eventually.value(
        () -> {
          for (JsonNode e : events(id)) {
            if (type.equals(e.get("type").asString())) {
              return e;
            }
          }
          return null;
        },
        java.util.Objects::nonNull,
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        none -> "job " + id + " never had a " + type + " event: " + events(id));
  }

  private JsonNode await(String id, Predicate<JsonNode> condition, Duration timeout)
      throws InterruptedException {
    return Eventually.value(
        () -> api.get("/api/v1/jobs/" + id).json(),
        condition,
        timeout,
        Duration.ofMillis(200),
        job ->
            "job "
                + id
                + " did not get there in "
                + timeout
                + "; last: "
                + job
                + "\n"
                + events(id));
  }

  private static boolean terminal(JsonNode job) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString());
  }

  private List<JsonNode> events(String id) {
    List<JsonNode> events = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/events?limit=500").json().get("items").forEach(events::add);
    return events;
  }

  private List<String> restartReasons(String id) {
    return events(id).stream()
        .filter(e -> e.get("type").asString().equals("job.restart"))
        .map(e -> e.get("reason").asString())
        .toList();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-stragglers");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
