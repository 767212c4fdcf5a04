package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Restarting the orchestrator on the local backend costs a running job nothing: its ranks keep
 * running across a clean stop (SIGTERM) and across a SIGKILL, the next orchestrator on the same
 * data directory adopts them, and the job stays RUNNING in the same attempt (no {@code
 * job.restart}) until it SUCCEEDS, its log and progress whole. An endpoint keeps serving from the
 * same replica processes.
 */
class RestartAdoptionIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofSeconds(120);
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();
  private static final int STOPPED_STEPS = 500;
  private static final int KILLED_STEPS = 400;
  private static final String KEEP = "--baton.cluster.local.stop-ranks-on-shutdown=false";
  private static final String[] ARGS = {
    "--baton.cluster.local.agent-interval=500ms",
    // A node's silence counts from the restart (NodeLiveness); on a loaded build machine the
    // agents' first reports after a restart (each node's progress files read again) can take
    // longer than the default 15 s to get through.
    "--baton.nodes.timeout=30s",
    "--baton.promotion.reconcile-interval=200ms",
    "--baton.endpoints.reconcile-interval=200ms",
    "--baton.endpoints.server-command=sh,-c,exec java -Xmx64m -XX:TieredStopAtLevel=1 -jar "
        + DEMO
        + " serve --checkpoint \"$BATON_MODEL\" --port 0"
  };

  @TempDir Path tmp;

  /**
   * A test that failed half-way leaves no rank or replica behind: every process recorded under the
   * data directory that still runs (same pid, same start instant) is killed with its descendants.
   */
  @AfterEach
  void leaveNothingRunning() throws IOException {
    Path dataDir = tmp.resolve("data");
    if (!Files.isDirectory(dataDir)) {
      return;
    }
    for (Path area : List.of(dataDir.resolve("work"), dataDir.resolve("serving"))) {
      if (!Files.isDirectory(area)) {
        continue;
      }
      for (Map.Entry<Path, String> recorded : processes(area).entrySet()) {
        String[] fields = recorded.getValue().split(" ");
        ProcessHandle.of(Long.parseLong(fields[0]))
            .filter(
                h ->
                    fields.length > 1
                        && h.info()
                            .startInstant()
                            .map(Object::toString)
                            .orElse("")
                            .equals(fields[1]))
            .ifPresent(
                h -> {
                  h.descendants().forEach(ProcessHandle::destroyForcibly);
                  h.destroyForcibly();
                });
      }
    }
  }

  @Test
  void ranksAndReplicasSurviveAStopAndAKillAndTheJobsFinishInTheirFirstAttempt() throws Exception {
    assertThat(DEMO).as("the demo model is built before the orchestrator's tests").exists();
    Path dataDir = tmp.resolve("data");
    // The long jobs' ranks wait for this file once their steps are done, so that however slow the
    // machine, they are still running when the orchestrator comes back.
    Path gate = tmp.resolve("finish");
    String stopped;
    String killed;
    Map<Path, String> ranksOfStopped;
    Map<Path, String> replicas;

    try (OrchestratorProcess first = start(dataDir, "first", KEEP)) {
      Api api = first.awaitHealthy(START).api();
      String promoted = api.submitJob(promotedJob().toString());
      stopped = api.submitJob(longJob(STOPPED_STEPS, gate).toString());
      awaitJob(api, stopped, j -> j.at("/progress/step").asLong(0) >= 10, first);
      await(api, "/api/v1/endpoints/kept", e -> e.at("/replicas/ready").asInt() == 2, first);
      assertThat(
              awaitJob(api, promoted, RestartAdoptionIT::terminal, first).get("state").asString())
          .isEqualTo("SUCCEEDED");
      ranksOfStopped = processes(dataDir.resolve("work").resolve(stopped));
      replicas = processes(dataDir.resolve("serving").resolve("kept"));
    }
    assertThat(ranksOfStopped).hasSize(2);
    assertThat(replicas).hasSize(2);
    assertAlive(ranksOfStopped, "ranks after a clean stop");
    assertAlive(replicas, "replicas after a clean stop");

    try (OrchestratorProcess second = start(dataDir, "second", KEEP)) {
      Api api = second.awaitHealthy(START).api();
      assertSameAttempt(api, stopped);
      JsonNode endpoint =
          await(api, "/api/v1/endpoints/kept", e -> e.at("/replicas/ready").asInt() == 2, second);
      assertThat(processes(dataDir.resolve("serving").resolve("kept")))
          .as("the same replica processes")
          .isEqualTo(replicas);
      assertThat(endpoint.at("/currentRevision/revision").asInt()).isEqualTo(1);
      killed = api.submitJob(longJob(KILLED_STEPS, gate).toString());
      awaitJob(api, killed, j -> j.at("/progress/step").asLong(0) >= 10, second);
      second.kill();
    }
    Map<Path, String> ranksOfKilled = processes(dataDir.resolve("work").resolve(killed));
    assertAlive(ranksOfKilled, "ranks after a SIGKILL");

    try (OrchestratorProcess third =
        start(dataDir, "third", "--baton.cluster.local.stop-ranks-on-shutdown=true")) {
      Api api = third.awaitHealthy(START).api();
      assertSameAttempt(api, killed);
      assertThat(processes(dataDir.resolve("work").resolve(killed))).isEqualTo(ranksOfKilled);
      Files.writeString(gate, "");
      for (String id : List.of(stopped, killed)) {
        JsonNode done = awaitJob(api, id, RestartAdoptionIT::terminal, third);
        String story =
            done
                + "\n"
                + api.get("/api/v1/jobs/" + id + "/events?limit=500").body()
                + "\n"
                + warnings(third);
        assertThat(done.get("state").asString()).as(story).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempt").asInt()).as(story).isEqualTo(1);
        assertThat(done.get("restarts").asInt() + done.get("infraRestarts").asInt()).isZero();
        assertThat(eventTypes(api, id)).doesNotContain("job.restart");
        long steps = id.equals(stopped) ? STOPPED_STEPS : KILLED_STEPS;
        awaitJob(api, id, j -> j.at("/progress/step").asLong(0) == steps, third);
        assertThat(api.get("/api/v1/jobs/" + id + "/logs?rank=0&tail=100").body())
            .as("the log from the first orchestrator's time to the end")
            .contains("training steps 1..")
            .contains("done at step " + steps);
      }
      assertThat(third.log()).contains("Adopted");
      assertThat(
              await(api, "/api/v1/endpoints/kept", e -> e.at("/replicas/ready").asInt() == 2, third)
                  .at("/currentRevision/revision")
                  .asInt())
          .isEqualTo(1);
    }
    for (Path replica : replicas.keySet()) {
      assertThat(endsWithin(replica, Duration.ofSeconds(10)))
          .as("replica %s stopped with the last orchestrator, which was told to", replica)
          .isTrue();
    }
  }

  /** Whether the process of the pid file is gone, or goes within {@code timeout}. */
  private static boolean endsWithin(Path pidFile, Duration timeout) throws Exception {
    Optional<ProcessHandle> process = handle(pidFile);
    if (process.isEmpty()) {
      return true;
    }
    try {
      process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  private static String warnings(OrchestratorProcess process) {
    return String.join(
        "\n",
        process.log().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList());
  }

  private static OrchestratorProcess start(Path dataDir, String name, String stopRanks) {
    List<String> args = new ArrayList<>(List.of(ARGS));
    args.add(stopRanks);
    return OrchestratorProcess.start(dataDir, name, args.toArray(String[]::new));
  }

  private static void assertSameAttempt(Api api, String id) {
    JsonNode job = api.get("/api/v1/jobs/" + id).json();
    assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("RUNNING");
    assertThat(job.get("attempt").asInt()).isEqualTo(1);
  }

  private static void assertAlive(Map<Path, String> processes, String what) {
    assertThat(processes.keySet())
        .as(what)
        .isNotEmpty()
        .allSatisfy(
            pid ->
                assertThat(handle(pid).filter(ProcessHandle::isAlive))
                    .as(what + ": " + pid)
                    .isPresent());
  }

  private static Optional<ProcessHandle> handle(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim().split(" ")[0]);
      return ProcessHandle.of(pid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pid files under {@code dir} and what they say (pid and start instant). */
  private static Map<Path, String> processes(Path dir) throws IOException {
    Map<Path, String> found = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals("pid")).toList()) {
        found.put(f, Files.readString(f).trim());
      }
    }
    return found;
  }

  private static ObjectNode longJob(int steps, Path gate) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "kept-across-restarts");
    spec.put("team", "research");
    spec.put("pool", "ascend-910b");
    List<String> train = new ArrayList<>();
    train(steps, 50, 100).forEach(arg -> train.add(arg.asString()));
    spec.putArray("command")
        .add("sh")
        .add("-c")
        .add(String.join(" ", train) + " && until [ -e '" + gate + "' ]; do sleep 0.1; done");
    spec.put("nodes", 2);
    spec.put("chipsPerNode", 8);
    // Waiting at the gate makes no steps: that is no hang here.
    spec.put("hangTimeout", "PT10M");
    return spec;
  }

  private static ObjectNode promotedJob() {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "serves-across-restarts");
    spec.put("team", "research");
    spec.put("pool", "ascend-910b");
    spec.set("command", train(60, 5, 30));
    spec.put("nodes", 1);
    spec.put("chipsPerNode", 8);
    spec.putObject("promotion").put("endpoint", "kept").put("replicas", 2);
    return spec;
  }

  private static ArrayNode train(int steps, int stepMillis, int checkpointEvery) {
    ArrayNode command = JSON.createArrayNode();
    for (String arg :
        List.of(
            "java",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            // Found through the installation, not the working directory: the orchestrator runs in
            // a temporary directory (OrchestratorProcess), outside the checkout.
            "$(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar",
            "train",
            "--steps",
            Integer.toString(steps),
            "--step-millis",
            Integer.toString(stepMillis),
            "--checkpoint-every",
            Integer.toString(checkpointEvery),
            "--peer-timeout",
            "60s")) {
      command.add(arg);
    }
    return command;
  }

  private static boolean terminal(JsonNode job) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString());
  }

  private static List<String> eventTypes(Api api, String id) {
    List<String> types = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/events?limit=500")
        .json()
        .get("items")
        .forEach(e -> types.add(e.get("type").asString()));
    return types;
  }

  private static JsonNode awaitJob(
      Api api, String id, Predicate<JsonNode> condition, OrchestratorProcess process)
      throws InterruptedException {
    return await(api, "/api/v1/jobs/" + id, condition, process);
  }

  private static JsonNode await(
      Api api, String path, Predicate<JsonNode> condition, OrchestratorProcess process)
      throws InterruptedException {
    return Eventually.value(
        () -> {
          Api.Response response = api.get(path);
          return response.status() == 200 ? response.json() : null;
        },
        last -> last != null && condition.test(last),
        Duration.ofSeconds(90),
        Duration.ofMillis(100),
        last -> path + " not there in time; last: " + last + "\n" + process.log());
  }
}
