package io.baton.orchestrator.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
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
 * The fault policy acted on, on the local backend: a link taken DOWN under a running job's rank
 * isolates that chip by the default table (link:DOWN → isolate-chip), the job restarts without it,
 * and the chip goes back into service once its link has been UP for the pool's (short) cooldown —
 * unless an operator holds it; in a pool whose table says {@code link:DOWN → warn}, the same fault
 * is only an event. An Xid is judged by the Xid catalog's bucket, and hangs found on one node
 * escalate by the pool's flap window.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.local.agent-interval=500ms",
      "baton.nodes.timeout=3s",
      "baton.scheduler.tick-interval=500ms",
      "baton.pools[0].name=ascend-910b",
      "baton.pools[0].role=TRAINING",
      "baton.pools[0].accelerator=ascend-910b",
      "baton.pools[0].nodes=4",
      "baton.pools[0].chips-per-node=8",
      "baton.pools[0].resource-name=huawei.com/Ascend910",
      "baton.pools[0].isolation-cooldown=3s",
      "baton.pools[1].name=nvidia-h100",
      "baton.pools[1].role=INFERENCE",
      "baton.pools[1].accelerator=nvidia-h100",
      "baton.pools[1].nodes=1",
      "baton.pools[1].chips-per-node=8",
      "baton.pools[1].resource-name=nvidia.com/gpu",
      // a pool whose table only warns about a DOWN link, with its other soft-fault settings shown
      "baton.pools[2].name=ascend-lenient",
      "baton.pools[2].role=TRAINING",
      "baton.pools[2].accelerator=ascend-910b",
      "baton.pools[2].nodes=1",
      "baton.pools[2].chips-per-node=4",
      "baton.pools[2].resource-name=huawei.com/Ascend910",
      "baton.pools[2].straggler-policy=avoid",
      "baton.pools[2].straggler-factor=1.5",
      "baton.pools[2].straggler-window=10",
      "baton.pools[2].hang-timeout-floor=2m",
      "baton.pools[2].startup-timeout=10m",
      "baton.pools[2].isolation-cooldown=1h",
      "baton.pools[2].fault-policy[0].signal=link:DOWN",
      "baton.pools[2].fault-policy[0].action=warn",
      // a pool where a node that hangs jobs twice in ten minutes is taken out
      "baton.pools[3].name=ascend-hangs",
      "baton.pools[3].role=TRAINING",
      "baton.pools[3].accelerator=ascend-910b",
      "baton.pools[3].nodes=1",
      "baton.pools[3].chips-per-node=2",
      "baton.pools[3].resource-name=huawei.com/Ascend910",
      "baton.pools[3].startup-timeout=3s",
      "baton.pools[3].fault-policy[0].signal=hang",
      "baton.pools[3].fault-policy[0].action=restart-job",
      "baton.pools[3].fault-policy[0].escalate-after=2",
      "baton.pools[3].fault-policy[0].escalate-within=10m",
      "baton.pools[3].fault-policy[0].escalate-to=isolate-node"
    })
class IsolationIT {

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
  void aLinkDownUnderARankIsolatesTheChipRestartsTheJobElsewhereAndIsReleasedAfterTheCooldown()
      throws Exception {
    String id = submit(spec(400, 40, 50));
    JsonNode running =
        await(id, j -> j.at("/latestCheckpoint/step").asLong(0) >= 50, Duration.ofSeconds(60));
    String node = running.at("/placement/0/node").asString();
    int chip = running.at("/placement/0/chips/3").asInt();

    linkDown(node, chip);

    JsonNode isolated = awaitFleetEvent("chip.isolated", "node/" + node + "/chips/" + chip);
    assertThat(isolated.get("reason").asString())
        .startsWith("link:DOWN on " + node + " chip " + chip + " → isolate-chip");
    JsonNode capacity = api.get("/api/v1/pools/ascend-910b").json().get("capacity");
    assertThat(capacity.get("chipsIsolated").asInt()).isEqualTo(1);
    assertThat(capacity.get("nodesIsolated").asInt()).isZero();
    assertThat(capacity.get("chipsSchedulable").asInt())
        .as("every chip is OK; the isolated one is not schedulable")
        .isEqualTo(capacity.get("chipsTotal").asInt() - 1);
    List<JsonNode> listed = isolationsIn("ascend-910b");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("node").asString()).isEqualTo(node);
    assertThat(listed.get(0).get("chip").asInt()).isEqualTo(chip);

    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(120));
    assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("infraRestarts").asInt()).isEqualTo(1);
    assertThat(done.get("restarts").asInt()).isZero();
    List<String> nodes = new ArrayList<>();
    done.get("placement").forEach(p -> nodes.add(p.get("node").asString()));
    assertThat(nodes)
        .as("8 chips a node: the node with the isolated chip has 7")
        .doesNotContain(node);
    assertThat(reasons(id))
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains(
                        "infrastructure failure: "
                            + node
                            + "/"
                            + chip
                            + " isolated by the fault policy"));

    // An operator's hold keeps it isolated while the link is UP again.
    Api.Response held =
        api.send(
            java.net.http.HttpRequest.newBuilder(
                    api.uri("/api/v1/admin/isolations/" + node + "/" + chip + "/hold"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(held.status()).as(held.body()).isEqualTo(200);
    assertThat(held.json().get("held").asBoolean()).isTrue();
    clearFaults();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> isolationsIn("ascend-910b").get(0).get("healthySince").isString());
    JsonNode healthy = isolationsIn("ascend-910b").get(0);
    java.time.Instant since = java.time.Instant.parse(healthy.get("healthySince").asString());
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> java.time.Instant.now().isAfter(since.plusSeconds(4)));
    assertThat(isolationsIn("ascend-910b")).hasSize(1);
    assertThat(auditTypes()).contains("isolation.held");

    // Lifting the hold releases it: the cooldown has long passed.
    api.send(
        java.net.http.HttpRequest.newBuilder(
                api.uri("/api/v1/admin/isolations/" + node + "/" + chip + "/hold"))
            .DELETE());
    JsonNode released = awaitFleetEvent("chip.released", "node/" + node + "/chips/" + chip);
    assertThat(released.get("reason").asString()).contains("isolationCooldown PT3S");
    assertThat(isolationsIn("ascend-910b")).isEmpty();
  }

  @Test
  void anErrorCodeWhoseRowSaysRestartJobRestartsTheJobWithoutIsolatingTheChip() throws Exception {
    String id = submit(spec(300, 40, 50));
    JsonNode running =
        await(id, j -> j.at("/latestCheckpoint/step").asLong(0) >= 50, Duration.ofSeconds(60));
    String node = running.at("/placement/1/node").asString();
    int chip = running.at("/placement/1/chips/5").asInt();

    // MindCluster: 80E18005 re-executes the service (restart-job; isolate-chip after 3 in 24 h).
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\""
                + node
                + "\",\"chip\":"
                + chip
                + ",\"health\":\"WARNING\",\"code\":\"0x80E18005\"}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);

    JsonNode observed = awaitFleetEvent("fault.observed", "node/" + node + "/chips/" + chip);
    assertThat(observed.get("to").asString()).isEqualTo("restart-job");
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(120));
    assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("infraRestarts").asInt()).isEqualTo(1);
    assertThat(done.get("restarts").asInt()).isZero();
    assertThat(reasons(id))
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains(
                        "infrastructure failure: ascend:80E18005 on "
                            + node
                            + " chip "
                            + chip
                            + " → restart-job"));
    assertThat(isolationsIn("ascend-910b")).isEmpty();
  }

  @Test
  void aLinkDownInAPoolWhoseTableOnlyWarnsIsAnEventAndTheJobRunsOn() throws Exception {
    JsonNode pool = api.get("/api/v1/pools/ascend-lenient").json();
    assertThat(pool.get("stragglerPolicy").asString()).isEqualTo("avoid");
    assertThat(pool.get("stragglerFactor").asDouble()).isEqualTo(1.5);
    assertThat(pool.get("stragglerWindow").asInt()).isEqualTo(10);
    assertThat(pool.get("hangTimeoutFloor").asString()).isEqualTo("PT2M");
    assertThat(pool.get("startupTimeout").asString()).isEqualTo("PT10M");
    assertThat(pool.get("isolationCooldown").asString()).isEqualTo("PT1H");
    assertThat(pool.get("faultPolicy").toString())
        .isEqualTo("[{\"signal\":\"link:DOWN\",\"action\":\"warn\"}]");
    ObjectNode spec = spec(150, 40, 50).put("pool", "ascend-lenient").put("nodes", 1);
    String id = submit(spec.put("chipsPerNode", 2));
    JsonNode running =
        await(id, j -> j.at("/progress/step").asLong(0) >= 10, Duration.ofSeconds(60));
    String node = running.at("/placement/0/node").asString();
    int chip = running.at("/placement/0/chips/1").asInt();

    linkDown(node, chip);

    JsonNode observed = awaitFleetEvent("fault.observed", "node/" + node + "/chips/" + chip);
    assertThat(observed.get("to").asString()).isEqualTo("warn");
    assertThat(observed.get("reason").asString())
        .isEqualTo("link:DOWN on " + node + " chip " + chip + " → warn (row link:DOWN: warn)");
    JsonNode done = await(id, j -> terminal(j), Duration.ofSeconds(60));
    assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("infraRestarts").asInt()).as("only warned").isZero();
    assertThat(api.get("/api/v1/admin/isolations").json().get("items"))
        .noneSatisfy(i -> assertThat(i.get("node").asString()).isEqualTo(node));
    assertThat(api.get("/api/v1/pools/ascend-lenient").json().at("/capacity/chipsIsolated").asInt())
        .isZero();
  }

  @Test
  void anXidIsJudgedByItsCatalogBucket() {
    // Xid 79, GPU fallen off the bus: RESTART_BM, reboot the node → isolate-node.
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\"nvidia-h100-0\",\"chip\":2,\"health\":\"FAULT\",\"code\":\"XID 79\"}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);

    JsonNode isolated = awaitFleetEvent("node.isolated", "node/nvidia-h100-0");
    assertThat(isolated.get("reason").asString())
        .isEqualTo(
            "xid:79 on nvidia-h100-0 chip 2 → isolate-node"
                + " (row xid-bucket:RESTART_BM: isolate-node)");
    JsonNode capacity = api.get("/api/v1/pools/nvidia-h100").json().get("capacity");
    assertThat(capacity.get("nodesIsolated").asInt()).isEqualTo(1);
    assertThat(capacity.get("chipsIsolated").asInt()).isEqualTo(8);
    assertThat(capacity.get("chipsSchedulable").asInt()).isZero();
  }

  @Test
  void hangsOnOneNodeEscalateByThePoolsFlapWindow() {
    // Ranks on chip 0 of the pool's only node make no step: every attempt there hangs.
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\"ascend-hangs-0\",\"chip\":0,\"kind\":\"HANG\"}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);
    ObjectNode spec = spec(100, 40, 50).put("pool", "ascend-hangs").put("nodes", 1);
    String id = submit(spec.put("chipsPerNode", 2));

    JsonNode isolated = awaitFleetEvent("node.isolated", "node/ascend-hangs-0");
    assertThat(isolated.get("reason").asString())
        .isEqualTo(
            "hang on ascend-hangs-0 → isolate-node: 2 occurrences within 10m"
                + " (row hang: restart-job, isolate-node after 2 within 10m)");
    assertThat(reasons(id)).filteredOn(r -> r.startsWith("HANG")).hasSizeGreaterThanOrEqualTo(2);
    api.send(
        java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id + "/cancel"))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
  }

  // ---- helpers ----

  /** The isolations of one pool: the other tests' pools have their own. */
  private List<JsonNode> isolationsIn(String pool) {
    List<JsonNode> items = new ArrayList<>();
    api.get("/api/v1/admin/isolations")
        .json()
        .get("items")
        .forEach(
            i -> {
              if (pool.equals(i.get("pool").asString())) {
                items.add(i);
              }
            });
    return items;
  }

  private void linkDown(String node, int chip) {
    Api.Response injected =
        api.post(
            "/api/v1/simulation/faults",
            "{\"node\":\"" + node + "\",\"chip\":" + chip + ",\"kind\":\"LINK_DOWN\"}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);
  }

  private JsonNode awaitFleetEvent(String type, String subject) {
    JsonNode[] found = {null};
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String after = null;
              while (true) {
                JsonNode page =
                    api.get("/api/v1/events?limit=500" + (after == null ? "" : "&after=" + after))
                        .json();
                for (JsonNode e : page.get("items")) {
                  if (type.equals(e.get("type").asString())
                      && subject.equals(e.get("subject").asString())) {
                    found[0] = e;
                    return true;
                  }
                }
                if (page.get("items").isEmpty()) {
                  return false;
                }
                after = page.get("nextCursor").asString();
              }
            });
    return found[0];
  }

  private List<String> auditTypes() {
    List<String> types = new ArrayList<>();
    api.get("/api/v1/audit?type=isolation.held&limit=500")
        .json()
        .get("items")
        .forEach(e -> types.add(e.get("type").asString()));
    return types;
  }

  private ObjectNode spec(int steps, int stepMillis, int checkpointEvery) {
    ObjectNode spec = JSON.createObjectNode();
    spec.put("name", "isolate-me");
    spec.put("team", "research");
    spec.put("pool", "ascend-910b");
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
            "30s")) {
      command.add(arg);
    }
    spec.set("command", command);
    spec.put("nodes", 2);
    spec.put("chipsPerNode", 8);
    spec.put("maxRestarts", 2);
    return spec;
  }

  private String submit(JsonNode spec) {
    return api.submitJob(spec.toString());
  }

  private JsonNode await(String id, Predicate<JsonNode> condition, Duration timeout) {
    JsonNode[] job = {null};
    Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              job[0] = api.get("/api/v1/jobs/" + id).json();
              return condition.test(job[0]);
            });
    return job[0];
  }

  private static boolean terminal(JsonNode job) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString());
  }

  private List<String> reasons(String id) {
    List<String> reasons = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/events?limit=500")
        .json()
        .get("items")
        .forEach(e -> reasons.add(e.path("reason").asString("")));
    return reasons;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-isolation-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
