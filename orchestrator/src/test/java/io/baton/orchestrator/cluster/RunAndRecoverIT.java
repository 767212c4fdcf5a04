package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
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
      "baton.scheduler.tick-interval=500ms"
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
        .contains("restart budget spent");
    assertThat(freeChips()).isEqualTo(32);
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

  private String submit(JsonNode spec) {
    Api.Response created = api.post("/api/v1/jobs", spec.toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private void inject(String node, int chip) {
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\""
                + node
                + "\",\"chip\":"
                + chip
                + ",\"health\":\"FAULT\",\"code\":\"0x80E18402\"}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);
  }

  private JsonNode await(String id, Predicate<JsonNode> condition, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    JsonNode job = null;
    while (Instant.now().isBefore(deadline)) {
      job = api.get("/api/v1/jobs/" + id).json();
      if (condition.test(job)) {
        return job;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
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
    Instant deadline = Instant.now().plusSeconds(10);
    int schedulable = 0;
    while (Instant.now().isBefore(deadline)) {
      schedulable =
          api.get("/api/v1/pools/ascend-910b").json().at("/capacity/chipsSchedulable").asInt();
      if (schedulable == 32) {
        break;
      }
      Thread.sleep(200);
    }
    return schedulable;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-run-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
