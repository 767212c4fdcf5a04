package io.baton.orchestrator.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
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
 * Checkpoints go from training on the (simulated) Ascend pool to endpoints on the (simulated)
 * Nvidia pool: the demo trainer's real checkpoints, the demo server's real replicas as child
 * processes, real predictions over loopback HTTP.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.local.agent-interval=500ms",
      "baton.nodes.timeout=3s",
      "baton.scheduler.tick-interval=500ms",
      "baton.promotion.reconcile-interval=200ms",
      "baton.endpoints.reconcile-interval=200ms",
      "baton.webhooks.allow-http=true",
      "baton.webhooks.allowed-networks=127.0.0.0/8"
    })
class PromotionIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path DATA_DIR = tempDir();
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();
  private static final Duration LONG = Duration.ofSeconds(60);

  /** One trained job whose checkpoints the tests below promote by hand: step → checkpoint. */
  private static final Map<Long, JsonNode> SHARED = new ConcurrentHashMap<>();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
    registry.add(
        "baton.endpoints.server-command",
        () ->
            "java,-Xmx64m,-XX:TieredStopAtLevel=1,-jar,"
                + DEMO
                + ",serve,--checkpoint,$(BATON_MODEL),--port,$(PORT)");
  }

  @LocalServerPort int port;

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.jdbc.core.simple.JdbcClient jdbc;

  @org.springframework.beans.factory.annotation.Autowired
  io.baton.orchestrator.checkpoints.RetentionSweep retention;

  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, io.baton.orchestrator.support.IntegrationTest.adminToken(DATA_DIR));
    assertThat(DEMO).as("the demo model is built before the orchestrator's tests").exists();
  }

  @Test
  void demoTrainAndPromoteEndsActiveAndTheEndpointAnswersFromThatCheckpoint() throws Exception {
    ObjectNode spec =
        (ObjectNode)
            JSON.readTree(
                Path.of("..", "examples", "jobs", "demo-train-and-promote.json").toFile());
    spec.set("command", command(200, 15, 50));
    String jobId = submit(spec);

    JsonNode job = awaitJob(jobId, j -> terminal(j), LONG);
    assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
    JsonNode promotion =
        await(
            () -> first(api.get("/api/v1/promotions?jobId=" + jobId).json()),
            p -> p != null && terminalPromotion(p),
            LONG);

    assertThat(promotion.get("state").asString()).as(promotion.toString()).isEqualTo("ACTIVE");
    assertThat(promotion.get("endpoint").asString()).isEqualTo("demo-classifier");
    assertThat(promotion.get("trigger").asString()).isEqualTo("job");
    assertThat(gates(promotion))
        .containsExactly(
            "VERIFYING=PASSED",
            "CONVERTING=SKIPPED",
            "EVALUATING=PASSED",
            "PARITY=PASSED",
            "ROLLING_OUT=PASSED");
    JsonNode verifying = gate(promotion, "VERIFYING");
    assertThat(verifying.at("/evidence/sha256").asString())
        .isEqualTo(verifying.at("/evidence/expectedSha256").asString());
    assertThat(verifying.get("startedAt").asString()).isNotBlank();
    assertThat(verifying.get("endedAt").asString()).isNotBlank();
    JsonNode parity = gate(promotion, "PARITY");
    assertThat(parity.at("/evidence/outputs").asInt()).isEqualTo(16);
    assertThat(parity.at("/evidence/maxAbsError").asDouble()).isLessThanOrEqualTo(1e-6);
    assertThat(parity.at("/evidence/readinessMs").asLong()).isPositive();
    assertThat(
            gate(promotion, "EVALUATING").at("/evidence/checks/eval_accuracy/passed").asBoolean())
        .isTrue();

    // The chosen checkpoint: the best by eval_accuracy, verified and now promoted.
    JsonNode checkpoint =
        api.get("/api/v1/checkpoints/" + promotion.get("checkpointId").asString()).json();
    assertThat(checkpoint.get("verified").asBoolean()).isTrue();
    assertThat(checkpoint.get("promoted").asBoolean()).isTrue();
    double best = 0;
    for (JsonNode c : api.get("/api/v1/checkpoints?jobId=" + jobId).json().get("items")) {
      best = Math.max(best, c.at("/metrics/eval_accuracy").asDouble());
    }
    assertThat(checkpoint.at("/metrics/eval_accuracy").asDouble()).isEqualTo(best);

    JsonNode endpoint = awaitEndpoint("demo-classifier", e -> ready(e) == 2, LONG);
    assertThat(endpoint.get("state").asString()).isEqualTo("ACTIVE");
    assertThat(endpoint.get("pool").asString()).isEqualTo("nvidia-h100");
    assertThat(endpoint.at("/replicas/desired").asInt()).isEqualTo(2);
    assertThat(endpoint.at("/currentRevision/revision").asInt()).isEqualTo(1);
    assertThat(endpoint.at("/currentRevision/checkpointId").asString())
        .isEqualTo(checkpoint.get("id").asString());
    assertThat(endpoint.at("/currentRevision/jobId").asString()).isEqualTo(jobId);
    assertThat(endpoint.at("/currentRevision/promotionId").asString())
        .isEqualTo(promotion.get("id").asString());
    assertThat(endpoint.get("urls")).hasSize(2);
    for (JsonNode url : endpoint.get("urls")) {
      assertAnswersLike(url.asString(), checkpoint);
    }
    // Retention: keepLast 3 of the job's 4 checkpoints, plus the promoted (best) one.
    retention.sweep();
    JsonNode all =
        api.get("/api/v1/checkpoints?includeDeleted=true&jobId=" + jobId).json().get("items");
    assertThat(all).hasSize(4);
    List<JsonNode> deleted = new ArrayList<>();
    all.forEach(
        c -> {
          if (!c.get("deletedAt").isNull()) deleted.add(c);
        });
    long promotedStep = checkpoint.get("step").asLong();
    if (promotedStep == 50) {
      assertThat(deleted).isEmpty();
    } else {
      assertThat(deleted).hasSize(1);
      assertThat(deleted.get(0).get("step").asLong()).isEqualTo(50);
      assertThat(deleted.get(0).get("deletedReason").asString()).contains("retention");
      assertThat(Path.of(URI.create(deleted.get(0).get("uri").asString())).getParent())
          .doesNotExist();
    }
    assertThat(Path.of(URI.create(checkpoint.get("uri").asString()))).exists();
    assertThat(api.get("/api/v1/checkpoints?jobId=" + jobId).json().get("items"))
        .hasSize(4 - deleted.size());

    assertThat(promotionTransitions(jobId))
        .containsSubsequence(
            "null->PENDING",
            "PENDING->VERIFYING",
            "VERIFYING->CONVERTING",
            "CONVERTING->EVALUATING",
            "EVALUATING->PARITY",
            "PARITY->ROLLING_OUT",
            "ROLLING_OUT->ACTIVE");
  }

  @Test
  void aCorruptedCheckpointIsRejectedAtVerifyingAndTheEndpointKeepsServing() throws Exception {
    String endpoint = "corrupt-test";
    JsonNode good = shared(150);
    assertThat(promoteAndWait(good, endpoint).get("state").asString()).isEqualTo("ACTIVE");

    JsonNode victim = shared(125);
    Path file = Path.of(URI.create(victim.get("uri").asString()));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x5a;
    Files.write(file, bytes);
    JsonNode rejected = promoteAndWait(victim, endpoint);

    assertThat(rejected.get("state").asString()).isEqualTo("REJECTED");
    assertThat(gates(rejected)).containsExactly("VERIFYING=FAILED");
    assertThat(gate(rejected, "VERIFYING").at("/evidence/sha256").asString())
        .isNotEqualTo(victim.get("sha256").asString());
    assertThat(rejected.get("reason").asString()).contains("sha256");
    assertThat(
            api.get("/api/v1/checkpoints/" + victim.get("id").asString())
                .json()
                .get("verified")
                .asBoolean(true))
        .isFalse();
    JsonNode serving = awaitEndpoint(endpoint, e -> ready(e) >= 1, LONG);
    assertThat(serving.at("/currentRevision/revision").asInt()).isEqualTo(1);
    assertThat(serving.at("/currentRevision/checkpointId").asString())
        .isEqualTo(good.get("id").asString());
    assertAnswersLike(serving.get("urls").get(0).asString(), good);
  }

  @Test
  void goldenOutputsThatDoNotMatchAreRejectedAtParity() throws Exception {
    String endpoint = "parity-test";
    JsonNode good = shared(150);
    assertThat(promoteAndWait(good, endpoint).get("state").asString()).isEqualTo("ACTIVE");

    JsonNode victim = shared(100);
    Path golden = Path.of(URI.create(victim.get("goldenUri").asString()));
    ObjectNode set = (ObjectNode) JSON.readTree(golden.toFile());
    for (JsonNode row : set.get("outputs")) {
      ((ArrayNode) row).set(0, row.get(0).asDouble() * 0.5 + 0.25);
    }
    Files.writeString(golden, set.toString());
    JsonNode rejected = promoteAndWait(victim, endpoint);

    assertThat(rejected.get("state").asString()).isEqualTo("REJECTED");
    assertThat(gates(rejected))
        .containsExactly(
            "VERIFYING=PASSED", "CONVERTING=SKIPPED", "EVALUATING=SKIPPED", "PARITY=FAILED");
    assertThat(gate(rejected, "PARITY").at("/evidence/maxAbsError").asDouble()).isGreaterThan(0.01);
    JsonNode serving = awaitEndpoint(endpoint, e -> ready(e) >= 1, LONG);
    assertThat(serving.at("/currentRevision/revision").asInt()).isEqualTo(1);
    assertAnswersLike(serving.get("urls").get(0).asString(), good);
    // The canary of the rejected promotion is gone.
    assertThat(serving.get("replicaDetails"))
        .allSatisfy(r -> assertThat(r.get("revision").asInt()).isEqualTo(1));
  }

  @Test
  void rollbackReturnsToThePreviousRevisionAndAFailedRolloutKeepsTheCurrentOne() throws Exception {
    String endpoint = "rollback-test";
    JsonNode first = shared(150);
    JsonNode second = shared(75);
    assertThat(promoteAndWait(first, endpoint).get("state").asString()).isEqualTo("ACTIVE");
    assertThat(promoteAndWait(second, endpoint).get("state").asString()).isEqualTo("ACTIVE");
    assertThat(
            awaitEndpoint(endpoint, e -> ready(e) == 2, LONG)
                .at("/currentRevision/revision")
                .asInt())
        .isEqualTo(2);

    Api.Response started = api.post("/api/v1/endpoints/" + endpoint + "/rollback", "{}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    assertThat(started.json().get("kind").asString()).isEqualTo("ROLLBACK");
    assertThat(started.json().get("revision").asInt()).isEqualTo(1);
    JsonNode rollout = awaitRollout(endpoint, started.json().get("id").asString());
    assertThat(rollout.get("state").asString()).as(rollout.toString()).isEqualTo("SUCCEEDED");
    assertThat(rollout.at("/evidence/golden/passed").asBoolean()).isTrue();

    JsonNode serving = awaitEndpoint(endpoint, e -> ready(e) == 2, LONG);
    assertThat(serving.at("/currentRevision/revision").asInt()).isEqualTo(1);
    assertThat(serving.at("/currentRevision/checkpointId").asString())
        .isEqualTo(first.get("id").asString());
    assertAnswersLike(serving.get("urls").get(0).asString(), first);
    JsonNode revisions =
        api.get("/api/v1/endpoints/" + endpoint + "/revisions").json().get("items");
    assertThat(revisions).hasSize(2);
    JsonNode rev1 = revisions.get(1);
    JsonNode rev2 = revisions.get(0);
    assertThat(rev1.get("current").asBoolean()).isTrue();
    assertThat(rev1.get("served")).hasSize(2);
    assertThat(rev2.get("served")).hasSize(1);
    assertThat(rev2.at("/served/0/until").isNull()).isFalse();
    assertThat(rev1.at("/served/1/until").isNull()).isTrue();

    // A rollout whose canary cannot load its model rolls back by itself; revision 1 keeps serving.
    Path weights = Path.of(URI.create(second.get("uri").asString()));
    Files.write(weights, new byte[] {1, 2, 3});
    Api.Response broken =
        api.post("/api/v1/endpoints/" + endpoint + "/rollback", "{\"revision\":2}");
    assertThat(broken.status()).as(broken.body()).isEqualTo(202);
    JsonNode failed = awaitRollout(endpoint, broken.json().get("id").asString());
    assertThat(failed.get("state").asString()).isEqualTo("ROLLED_BACK");
    assertThat(failed.get("reason").asString())
        .contains("canary")
        .contains("keeps serving revision 1");
    JsonNode after = awaitEndpoint(endpoint, e -> ready(e) == 2, LONG);
    assertThat(after.at("/currentRevision/revision").asInt()).isEqualTo(1);
    assertThat(after.get("state").asString()).isEqualTo("ACTIVE");
  }

  @Test
  void approvalGatesTheRollout() throws Exception {
    JsonNode checkpoint = shared(50);
    // A pipeline listens: every promotion state change reaches its webhook, signed.
    List<JsonNode> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> signatures = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer receiver =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          heard.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          signatures.add(exchange.getRequestHeaders().getFirst("Baton-Signature"));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    Api.Response subscribed =
        api.post(
            "/api/v1/webhooks",
            "{\"url\":\"http://127.0.0.1:"
                + receiver.getAddress().getPort()
                + "/hook\",\"events\":[\"promotion.*\"]}");
    assertThat(subscribed.status()).as(subscribed.body()).isEqualTo(201);

    ObjectNode request = request(checkpoint, "approval-test");
    request.put("requireApproval", true);
    request.put("replicas", 1);
    String id = api.post("/api/v1/promotions", request.toString()).json().get("id").asString();
    JsonNode waiting =
        awaitPromotion(
            id,
            p ->
                "AWAITING_APPROVAL".equals(p.get("state").asString())
                    && p.toString().contains("\"verdict\":\"WAITING\""));
    assertThat(gate(waiting, "AWAITING_APPROVAL").get("verdict").asString()).isEqualTo("WAITING");

    // The approver is whoever calls, a maintainer of the job's team; a "by" in the body is ignored.
    String team = checkpoint.get("team").asString();
    JsonNode alice =
        api.post(
                "/api/v1/tokens",
                "{\"name\":\"alice\",\"grants\":[{\"team\":\""
                    + team
                    + "\",\"role\":\"maintainer\"}]}")
            .json();
    api.as(
            api.post(
                    "/api/v1/tokens",
                    "{\"name\":\"bob\",\"grants\":[{\"team\":\""
                        + team
                        + "\",\"role\":\"member\"}]}")
                .json()
                .get("token")
                .asString())
        .post("/api/v1/promotions/" + id + "/approve", "{}")
        .problem(403, "forbidden");
    Api.Response approved =
        api.as(alice.get("token").asString())
            .post(
                "/api/v1/promotions/" + id + "/approve",
                "{\"by\":\"mallory\",\"comment\":\"looks good\"}");
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonNode done = awaitPromotion(id, PromotionIT::terminalPromotion);
    assertThat(done.get("state").asString()).isEqualTo("ACTIVE");
    assertThat(gate(done, "AWAITING_APPROVAL").at("/evidence/approvedBy").asString())
        .isEqualTo("token:" + alice.get("id").asString() + ":alice");
    api.post("/api/v1/promotions/" + id + "/approve", "{}")
        .problem(409, "promotion-not-awaiting-approval");
    List<String> states =
        await(
            () ->
                heard.stream()
                    .filter(d -> d.at("/event/subject").asString().equals("promotion/" + id))
                    .sorted(
                        java.util.Comparator.comparingLong(
                            (JsonNode d) -> d.at("/event/id").asLong()))
                    .map(d -> d.at("/event/to").asString())
                    .toList(),
            seen -> seen.contains("ACTIVE"),
            Duration.ofSeconds(30));
    assertThat(states)
        .containsSubsequence(
            "PENDING", "VERIFYING", "PARITY", "AWAITING_APPROVAL", "ROLLING_OUT", "ACTIVE");
    assertThat(signatures).allSatisfy(sig -> assertThat(sig).startsWith("sha256="));
    receiver.stop(0);

    String second = api.post("/api/v1/promotions", request.toString()).json().get("id").asString();
    awaitPromotion(second, p -> p.toString().contains("WAITING"));
    JsonNode rejected =
        api.post("/api/v1/promotions/" + second + "/reject", "{\"by\":\"bob\"}").json();
    assertThat(rejected.get("state").asString()).isEqualTo("REJECTED");
    assertThat(
            awaitEndpoint("approval-test", e -> ready(e) == 1, LONG)
                .at("/currentRevision/revision")
                .asInt())
        .isEqualTo(1);
  }

  @Test
  void aCheckpointInAnotherFormatIsConvertedOnTheInferencePoolOrRejected() throws Exception {
    JsonNode checkpoint = shared(25);
    jdbc.sql("UPDATE checkpoints SET format = 'mindspore' WHERE id = :id")
        .param("id", java.util.UUID.fromString(checkpoint.get("id").asString()))
        .update();

    ObjectNode without = request(checkpoint, "convert-test");
    JsonNode refused = promoteAndWait(without);
    assertThat(refused.get("state").asString()).isEqualTo("REJECTED");
    assertThat(gates(refused)).containsExactly("VERIFYING=PASSED", "CONVERTING=FAILED");
    assertThat(refused.get("reason").asString()).contains("mindspore").contains("no converter");

    ObjectNode with = request(checkpoint, "convert-test");
    with.putObject("converter")
        .put("outputFormat", "safetensors")
        .putArray("command")
        .add("sh")
        .add("-c")
        .add("echo converting; cp \"$BATON_CONVERT_INPUT\" \"$BATON_CONVERT_OUTPUT\"");
    with.put("replicas", 1);
    JsonNode converted = promoteAndWait(with);
    assertThat(converted.get("state").asString()).as(converted.toString()).isEqualTo("ACTIVE");
    JsonNode gate = gate(converted, "CONVERTING");
    assertThat(gate.get("verdict").asString()).isEqualTo("PASSED");
    assertThat(gate.at("/evidence/exitCode").asInt()).isZero();
    assertThat(gate.at("/evidence/outputSha256").asString())
        .isEqualTo(checkpoint.get("sha256").asString());
    assertThat(gate.at("/evidence/log").asString()).contains("converting");
    assertThat(converted.get("artifact").asString())
        .isEqualTo(gate.at("/evidence/output").asString());
    JsonNode revision = api.get("/api/v1/endpoints/convert-test/revisions").json().at("/items/0");
    assertThat(revision.get("artifact").asString()).isEqualTo(converted.get("artifact").asString());
  }

  @Test
  void badRequestsGetProblemDetails() throws Exception {
    JsonNode checkpoint = shared(150);
    api.post("/api/v1/promotions", "{}").problem(400, "invalid-promotion");
    api.post("/api/v1/promotions", "{\"checkpointId\":\"x\",\"endpoint\":\"e\"}")
        .problem(400, "invalid-promotion");
    api.post(
            "/api/v1/promotions",
            "{\"checkpointId\":\""
                + checkpoint.get("id").asString()
                + "\",\"endpoint\":\"e\",\"bogus\":1}")
        .problem(400, "invalid-promotion");
    api.post("/api/v1/promotions", "not json").problem(400, "malformed-json");
    JsonNode unknown =
        api.post(
                "/api/v1/promotions",
                "{\"checkpointId\":\"00000000-0000-4000-8000-000000000000\",\"endpoint\":\"e\"}")
            .problem(422, "unprocessable-promotion");
    assertThat(unknown.toString()).contains("checkpointId");
    api.post(
            "/api/v1/promotions",
            "{\"checkpointId\":\""
                + checkpoint.get("id").asString()
                + "\",\"endpoint\":\"e\",\"pool\":\"ascend-910b\"}")
        .problem(422, "unprocessable-promotion");
    api.get("/api/v1/promotions/00000000-0000-4000-8000-000000000000").problem(404, "not-found");
    api.get("/api/v1/promotions/not-a-uuid").problem(400, "invalid-parameter");
    api.get("/api/v1/promotions?state=SIDEWAYS").problem(400, "invalid-parameter");
    api.get("/api/v1/checkpoints/00000000-0000-4000-8000-000000000000").problem(404, "not-found");
    api.get("/api/v1/endpoints/nope").problem(404, "not-found");
    api.post("/api/v1/endpoints/nope/rollback", "{}").problem(404, "not-found");
    api.post("/api/v1/promotions/00000000-0000-4000-8000-000000000000/approve", "{}")
        .problem(404, "not-found");
  }

  @Test
  void theRegistryListsEveryCheckpointWithItsFiles() throws Exception {
    JsonNode checkpoint = shared(150);
    String jobId = checkpoint.get("jobId").asString();
    JsonNode page = api.get("/api/v1/checkpoints?jobId=" + jobId + "&limit=2").json();
    assertThat(page.get("items")).hasSize(2);
    assertThat(page.get("nextCursor").asString()).isNotBlank();
    JsonNode rest =
        api.get(
                "/api/v1/checkpoints?jobId="
                    + jobId
                    + "&limit=500&cursor="
                    + page.get("nextCursor").asString())
            .json();
    assertThat(page.get("items").size() + rest.get("items").size()).isEqualTo(6);
    assertThat(checkpoint.get("format").asString()).isEqualTo("safetensors");
    assertThat(checkpoint.get("sizeBytes").asLong()).isPositive();
    assertThat(checkpoint.get("sha256").asString()).hasSize(64);
    assertThat(checkpoint.at("/metrics/eval_accuracy").isNumber()).isTrue();
    assertThat(Path.of(URI.create(checkpoint.get("uri").asString()))).exists();
    assertThat(Path.of(URI.create(checkpoint.get("goldenUri").asString()))).exists();
  }

  // ---- helpers ----

  /** The shared job's checkpoint at this step (the job trains once, on first use). */
  private JsonNode shared(long step) throws Exception {
    synchronized (SHARED) {
      if (SHARED.isEmpty()) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("name", "shared-checkpoints");
        spec.put("team", "research");
        spec.put("pool", "ascend-910b");
        spec.set("command", command(150, 15, 25));
        spec.put("nodes", 1);
        spec.put("chipsPerNode", 8);
        spec.putObject("checkpoint").put("keepLast", 100);
        String id = submit(spec);
        assertThat(awaitJob(id, j -> terminal(j), LONG).get("state").asString())
            .isEqualTo("SUCCEEDED");
        await(
                () -> api.get("/api/v1/checkpoints?jobId=" + id).json().get("items"),
                items -> items.size() == 6,
                Duration.ofSeconds(20))
            .forEach(c -> SHARED.put(c.get("step").asLong(), c));
      }
      return SHARED.get(step);
    }
  }

  private static ObjectNode request(JsonNode checkpoint, String endpoint) {
    ObjectNode request = JSON.createObjectNode();
    request.put("checkpointId", checkpoint.get("id").asString());
    request.put("endpoint", endpoint);
    request.putObject("parity").put("absTolerance", 1e-6).put("relTolerance", 1e-5);
    return request;
  }

  private JsonNode promoteAndWait(JsonNode checkpoint, String endpoint) throws Exception {
    return promoteAndWait(request(checkpoint, endpoint));
  }

  private JsonNode promoteAndWait(ObjectNode request) throws Exception {
    Api.Response created = api.post("/api/v1/promotions", request.toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("Location")).isPresent();
    return awaitPromotion(created.json().get("id").asString(), PromotionIT::terminalPromotion);
  }

  /** Sends the checkpoint's golden inputs to a replica; its answers are the golden outputs. */
  private void assertAnswersLike(String url, JsonNode checkpoint) throws Exception {
    JsonNode golden =
        JSON.readTree(Path.of(URI.create(checkpoint.get("goldenUri").asString())).toFile());
    ObjectNode body = JSON.createObjectNode();
    body.set("inputs", golden.get("inputs"));
    var response =
        api.client()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/v1/predict"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode outputs = JSON.readTree(response.body()).get("outputs");
    assertThat(outputs.size()).isEqualTo(golden.get("outputs").size());
    for (int i = 0; i < outputs.size(); i++) {
      assertThat(outputs.get(i).get(0).asDouble())
          .isCloseTo(
              golden.get("outputs").get(i).get(0).asDouble(),
              org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  private static List<String> gates(JsonNode promotion) {
    List<String> gates = new ArrayList<>();
    promotion
        .get("gates")
        .forEach(g -> gates.add(g.get("name").asString() + "=" + g.get("verdict").asString()));
    return gates;
  }

  private static JsonNode gate(JsonNode promotion, String name) {
    for (JsonNode g : promotion.get("gates")) {
      if (g.get("name").asString().equals(name)) {
        return g;
      }
    }
    throw new AssertionError("no gate " + name + " in " + promotion);
  }

  private static int ready(JsonNode endpoint) {
    return endpoint.at("/replicas/ready").asInt();
  }

  private List<String> promotionTransitions(String jobId) {
    List<String> transitions = new ArrayList<>();
    api.get("/api/v1/jobs/" + jobId + "/events?limit=500")
        .json()
        .get("items")
        .forEach(
            e -> {
              if (e.get("type").asString().equals("promotion.state")) {
                transitions.add(e.get("from").asString(null) + "->" + e.get("to").asString());
              }
            });
    return transitions;
  }

  private static JsonNode first(JsonNode page) {
    return page.get("items").isEmpty() ? null : page.get("items").get(0);
  }

  private static boolean terminalPromotion(JsonNode p) {
    return List.of("ACTIVE", "REJECTED", "ROLLED_BACK").contains(p.get("state").asString());
  }

  private static boolean terminal(JsonNode job) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(job.get("state").asString());
  }

  private JsonNode awaitJob(String id, Predicate<JsonNode> condition, Duration timeout)
      throws Exception {
    return await(() -> api.get("/api/v1/jobs/" + id).json(), condition, timeout);
  }

  private JsonNode awaitPromotion(String id, Predicate<JsonNode> condition) throws Exception {
    return await(() -> api.get("/api/v1/promotions/" + id).json(), condition, LONG);
  }

  private JsonNode awaitEndpoint(String name, Predicate<JsonNode> condition, Duration timeout)
      throws Exception {
    return await(() -> api.get("/api/v1/endpoints/" + name).json(), condition, timeout);
  }

  private JsonNode awaitRollout(String endpoint, String id) throws Exception {
    return await(
        () -> api.get("/api/v1/endpoints/" + endpoint + "/rollouts/" + id).json(),
        r -> List.of("SUCCEEDED", "ROLLED_BACK").contains(r.get("state").asString()),
        LONG);
  }

  private static <T> T await(
      java.util.function.Supplier<T> read, Predicate<T> condition, Duration timeout)
      throws InterruptedException {
    return Eventually.value(
        read::get,
        condition,
        timeout,
        Duration.ofMillis(100),
        last -> "not there in " + timeout + "; last: " + last);
  }

  private String submit(JsonNode spec) {
    return api.submitJob(spec.toString());
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
            Integer.toString(checkpointEvery))) {
      command.add(arg);
    }
    return command;
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("baton-promotion-it-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
