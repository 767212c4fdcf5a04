package io.baton.orchestrator.cluster.kubernetes;

import static io.baton.orchestrator.support.Reports.aReport;
import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Reports;
import io.baton.orchestrator.support.Specs;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole orchestrator on the Kubernetes backend against the CRUD mock API server, driven over
 * its REST API as agents and an operator would, while the test plays the Job controller, the
 * Kubernetes scheduler and the kubelet: a job is launched, runs, loses a chip, has its node fenced,
 * is relaunched elsewhere and succeeds; the node is released once its chip is healthy again.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.backend=kubernetes",
      "baton.cluster.kubernetes.namespace=" + Fixtures.NAMESPACE,
      "baton.cluster.kubernetes.fence-interval=200ms",
      "baton.cluster.kubernetes.agent-authentication.enabled=true",
      "baton.scheduler.tick-interval=500ms",
      "baton.nodes.timeout=10m",
      "baton.promotion.reconcile-interval=200ms",
      "baton.endpoints.reconcile-interval=200ms"
    })
class KubernetesEndToEndIT {

  private static final String TRAINING = "ascend-910b";
  private static final String INFERENCE = "nvidia-h100";
  private static final String FAULT_TAINT = "baton.io/chip-fault";
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final Duration LONG = Duration.ofSeconds(45);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final Map<ServerRequest, Queue<ServerResponse>> EXPECTATIONS = new HashMap<>();
  private static final KubernetesMockServer SERVER =
      new KubernetesMockServer(
          new Context(),
          new MockWebServer(),
          EXPECTATIONS,
          new KubernetesMixedDispatcher(EXPECTATIONS),
          false);

  /** The API server's TokenReview answers: which node an agent's service-account token is of. */
  private static final Map<String, String> SERVICE_ACCOUNT_TOKENS = new ConcurrentHashMap<>();

  private static final AtomicInteger REVIEWS = new AtomicInteger();
  private static final Path DATA_DIR = tempDir();
  private static final Path VOLUME = DATA_DIR.resolve("volume");
  private static final int SERVING_PORT = freePort();
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();
  private static KubernetesClient mock;

  @BeforeAll
  static void server() {
    if (mock == null) {
      SERVER.init();
      mock = SERVER.createClient();
      SERVER
          .expect()
          .post()
          .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
          .andReply(201, request -> review(request.getUtf8Body()))
          .always();
    }
  }

  private static TokenReview review(String body) {
    REVIEWS.incrementAndGet();
    TokenReview asked = mock.getKubernetesSerialization().unmarshal(body, TokenReview.class);
    String node = SERVICE_ACCOUNT_TOKENS.get(asked.getSpec().getToken());
    if (node == null || !asked.getSpec().getAudiences().contains("baton")) {
      return new TokenReviewBuilder().withNewStatus().withAuthenticated(false).endStatus().build();
    }
    return new TokenReviewBuilder()
        .withNewStatus()
        .withAuthenticated(true)
        .withAudiences("baton")
        .withNewUser()
        .withUsername("system:serviceaccount:" + Fixtures.NAMESPACE + ":baton-agent")
        .withExtra(Map.of(AgentTokenReview.NODE_NAME, List.of(node)))
        .endUser()
        .endStatus()
        .build();
  }

  @DynamicPropertySource
  static void cluster(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
    registry.add("baton.cluster.kubernetes.checkpoint-mount-path", VOLUME::toString);
    registry.add("baton.cluster.kubernetes.serving-port", () -> SERVING_PORT);
    registry.add(
        "baton.cluster.kubernetes.master-url",
        () -> {
          server();
          return mock.getConfiguration().getMasterUrl();
        });
  }

  /** The orchestrator's client, marked so that its calls are checked against the chart's RBAC. */
  @TestConfiguration
  static class AuditedClient {
    @Bean
    @Primary
    KubernetesClient auditedKubernetesClient(
        @Qualifier("kubernetesClient") KubernetesClient configured) {
      return ApiAudit.client(configured);
    }
  }

  @LocalServerPort int port;
  Api api;
  Kubelet kubelet;
  final Map<String, Agent> agents = new LinkedHashMap<>();

  @BeforeEach
  void fleet() {
    api = new Api(port, adminToken());
    kubelet = new Kubelet(mock, Fixtures.NAMESPACE);
    register(TRAINING, "ascend-", 4, Map.of("accelerator", "huawei-Ascend910"));
    register(INFERENCE, "nvidia-", 2, Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"));
    agents.values().forEach(agent -> assertThat(report(agent, r -> r).status()).isEqualTo(200));
  }

  @Test
  void aJobLosesAChipIsRelaunchedElsewhereAndSucceedsWhileItsNodeIsFencedAndReleased()
      throws InterruptedException {
    UUID id = submit(aSpec().with("name", "k8s-e2e").with("nodes", 2).with("maxRestarts", 1));

    Job first = awaitJob(id, 1);
    List<String> placed = placedNodes(first);
    assertThat(placed).hasSize(2).allMatch(n -> n.startsWith("ascend-"));
    assertThat(nodesOf(job(id))).containsExactlyInAnyOrderElementsOf(placed);
    List<Pod> ranks = run(first, placed);
    reportProgress(id, 1, ranks);
    awaitState(id, "RUNNING");

    String faulty = ranks.get(1).getSpec().getNodeName();
    assertThat(report(agents.get(faulty), r -> r.chip(3, "FAULT", "0x80E01801")).status())
        .isEqualTo(200);

    Job second = awaitJob(id, 2);
    assertThat(mock.batch().v1().jobs().inNamespace(Fixtures.NAMESPACE).withName(name(id, 1)).get())
        .as("attempt 1 was stopped")
        .isNull();
    await("node " + faulty + " fenced")
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Node node = mock.nodes().withName(faulty).get();
              assertThat(node.getSpec().getUnschedulable()).isTrue();
              assertThat(node.getSpec().getTaints())
                  .extracting(Taint::getKey, Taint::getValue, Taint::getEffect)
                  .containsExactly(tuple(FAULT_TAINT, "chip-3", "NoSchedule"));
            });
    List<String> replaced = placedNodes(second);
    assertThat(replaced).hasSize(2).doesNotContain(faulty);
    assertThat(replaced)
        .allMatch(
            n -> !Boolean.TRUE.equals(mock.nodes().withName(n).get().getSpec().getUnschedulable()));
    deletePods(name(id, 1));
    List<Pod> relaunched = run(second, replaced);
    reportProgress(id, 2, relaunched);
    awaitState(id, "RUNNING");
    relaunched.forEach(pod -> kubelet.exited(pod, 0, "Completed", null));
    JsonNode done = awaitState(id, "SUCCEEDED");

    assertThat(done.get("attempt").asInt()).isEqualTo(2);
    assertThat(nodesOf(done)).containsExactlyInAnyOrderElementsOf(replaced);
    List<JsonNode> events = events(id);
    assertThat(events.stream().filter(e -> e.get("type").asString().equals("job.state")))
        .extracting(e -> e.get("from").asString("") + "->" + e.get("to").asString())
        .containsSubsequence(
            "ADMITTED->STARTING",
            "STARTING->RUNNING",
            "RUNNING->RECOVERING",
            "RECOVERING->ADMITTED",
            "ADMITTED->STARTING",
            "STARTING->RUNNING",
            "RUNNING->SUCCEEDED");
    JsonNode recovering =
        events.stream()
            .filter(e -> "RECOVERING".equals(e.path("to").asString(null)))
            .findFirst()
            .orElseThrow();
    assertThat(recovering.get("reason").asString()).contains("chip " + faulty + "/3 FAULT");
    assertThat(events)
        .filteredOn(e -> e.get("type").asString().equals("job.restart"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("reason").asString()).contains(faulty + "/3"));

    report(agents.get(faulty), r -> r);
    await("node " + faulty + " released")
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              Node node = mock.nodes().withName(faulty).get();
              assertThat(node.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
              assertThat(node.getSpec().getTaints()).noneMatch(t -> FAULT_TAINT.equals(t.getKey()));
            });
    ApiAudit.assertGranted(SERVER);
  }

  @Test
  void agentsAuthenticateWithTheirServiceAccountTokensEachOnlyForItsOwnNode()
      throws InterruptedException {
    String node = "ascend-sa-" + UUID.randomUUID().toString().substring(0, 6);
    kubelet.node(
        node,
        Map.of("baton.io/pool", TRAINING, "accelerator", "huawei-Ascend910", Names.HOSTNAME, node));
    String token = "eyJhbGciOiJSUzI1NiJ9.e30.sa-" + UUID.randomUUID();
    SERVICE_ACCOUNT_TOKENS.put(token, node);
    Agent agent = new Agent(node, token);
    int reviewsBefore = REVIEWS.get();

    for (int i = 0; i < 3; i++) {
      assertThat(report(agent, r -> r).status()).isEqualTo(200);
    }
    JsonNode registered = api.get("/api/v1/nodes/" + node).json();
    assertThat(registered.get("pool").asString()).isEqualTo(TRAINING);
    assertThat(registered.get("state").asString()).isEqualTo("READY");
    assertThat(REVIEWS.get() - reviewsBefore).as("reviewed once, then cached").isEqualTo(1);

    Agent impostor = new Agent("ascend-0", token);
    report(impostor, r -> r).problem(403, "forbidden");
    report(new Agent(node, "eyJhbGciOiJSUzI1NiJ9.e30.forged"), r -> r).problem(401, "unauthorized");
    ApiAudit.assertGranted(SERVER);
  }

  @Test
  void anEndpointGoesFromCanaryToActiveAndRollsBackToThePreviousRevision() throws Exception {
    assertThat(DEMO).as("the demo model is built before the orchestrator's tests").exists();
    Map<Long, JsonNode> checkpoints = trainDemoModel();
    Map<String, String> podIps = new HashMap<>();
    List<Process> servers = new ArrayList<>();
    ScheduledExecutorService controllers = Executors.newSingleThreadScheduledExecutor();
    try {
      servers.add(serve(checkpoints.get(10L), "127.0.0.1", podIps));
      servers.add(serve(checkpoints.get(20L), "127.0.0.2", podIps));
      controllers.scheduleWithFixedDelay(
          new Controllers(mock, kubelet, podIps)::round, 0, 100, TimeUnit.MILLISECONDS);

      JsonNode first = promote(checkpoints.get(10L), "demo");
      assertThat(first.get("state").asString()).as(first.toString()).isEqualTo("ACTIVE");
      JsonNode canary = latestRollout("demo");
      assertThat(canary.get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(canary.at("/evidence/golden/passed").asBoolean()).as(canary.toString()).isTrue();
      assertThat(awaitEndpoint("demo", 1).get("state").asString()).isEqualTo("ACTIVE");
      assertThat(deployments()).contains("demo-r1-canary", "demo-r1");

      JsonNode second = promote(checkpoints.get(20L), "demo");
      assertThat(second.get("state").asString()).as(second.toString()).isEqualTo("ACTIVE");
      awaitEndpoint("demo", 2);
      await("revision 1 stopped")
          .atMost(PATIENCE)
          .untilAsserted(
              () -> assertThat(deployments()).doesNotContain("demo-r1-canary", "demo-r1"));

      Api.Response started = api.post("/api/v1/endpoints/demo/rollback", "{}");
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      assertThat(started.json().get("revision").asInt()).isEqualTo(1);
      JsonNode rollback =
          await("rollback")
              .atMost(LONG)
              .until(
                  () ->
                      api.get(
                              "/api/v1/endpoints/demo/rollouts/"
                                  + started.json().get("id").asString())
                          .json(),
                  r -> List.of("SUCCEEDED", "ROLLED_BACK").contains(r.get("state").asString()));
      assertThat(rollback.get("state").asString()).as(rollback.toString()).isEqualTo("SUCCEEDED");
      assertThat(rollback.get("kind").asString()).isEqualTo("ROLLBACK");
      assertThat(rollback.at("/evidence/golden/passed").asBoolean()).isTrue();
      JsonNode serving = awaitEndpoint("demo", 1);
      assertThat(serving.at("/currentRevision/checkpointId").asString())
          .isEqualTo(checkpoints.get(10L).get("id").asString());
      await("revision 2 stopped")
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(deployments())
                      .contains("demo-r1-canary", "demo-r1")
                      .doesNotContain("demo-r2-canary", "demo-r2"));
      ApiAudit.assertGranted(SERVER);
    } finally {
      controllers.shutdownNow();
      servers.forEach(Process::destroyForcibly);
    }
  }

  /**
   * A one-rank job whose rank is the demo trainer, run here on the checkpoint volume (a local
   * directory the orchestrator mounts too); its agent relays the progress file. Returns the job's
   * checkpoints by step.
   */
  private Map<Long, JsonNode> trainDemoModel() throws Exception {
    UUID id = submit(aSpec().with("name", "k8s-e2e-demo").with("nodes", 1));
    Job job = awaitJob(id, 1);
    Pod rank = run(job, placedNodes(job)).get(0);
    Map<String, String> env = new HashMap<>();
    job.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));
    Path checkpointDir = Path.of(env.get("BATON_CHECKPOINT_DIR"));
    assertThat(checkpointDir.startsWith(VOLUME)).as("%s on the volume", checkpointDir).isTrue();
    Path progress = DATA_DIR.resolve("progress-" + id + ".jsonl");
    ProcessBuilder trainer =
        new ProcessBuilder(
                "java",
                "-Xmx128m",
                "-jar",
                DEMO.toString(),
                "train",
                "--steps",
                "20",
                "--checkpoint-every",
                "10")
            .redirectErrorStream(true)
            .redirectOutput(DATA_DIR.resolve("trainer-" + id + ".log").toFile());
    trainer.environment().put("BATON_CHECKPOINT_DIR", checkpointDir.toString());
    trainer.environment().put("BATON_PROGRESS_FILE", progress.toString());
    trainer.environment().put("BATON_JOB_ID", id.toString());
    Process process = trainer.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the trainer did not finish within 60 s");
    }
    assertThat(process.exitValue()).isZero();

    ArrayNode progressLines = JSON.createArrayNode();
    ArrayNode checkpointLines = JSON.createArrayNode();
    for (String line : Files.readAllLines(progress)) {
      ObjectNode entry = (ObjectNode) JSON.readTree(line);
      entry.put("jobId", id.toString());
      entry.put("rank", 0);
      entry.put("attempt", 1);
      if (!entry.has("time")) {
        entry.put("time", Instant.now().toString());
      }
      String type = entry.path("type").asString();
      if (type.equals("progress")) {
        progressLines.add(entry);
      } else if (type.equals("checkpoint")) {
        checkpointLines.add(entry);
      }
    }
    Agent agent = agents.get(rank.getSpec().getNodeName());
    ObjectNode report =
        (ObjectNode)
            JSON.readTree(
                aReport(agent.node())
                    .boot(agent.bootId())
                    .seq(agent.seq().getAndIncrement())
                    .json());
    report.set("progress", progressLines);
    report.set("checkpoints", checkpointLines);
    Api.Response relayed =
        api.post(
            "/api/v1/agents/reports",
            report.toString(),
            "Authorization",
            "Bearer " + agent.token());
    assertThat(relayed.status()).as(relayed.body()).isEqualTo(200);
    kubelet.exited(rank, 0, "Completed", null);
    awaitState(id, "SUCCEEDED");

    Map<Long, JsonNode> byStep = new HashMap<>();
    api.get("/api/v1/checkpoints?jobId=" + id)
        .json()
        .get("items")
        .forEach(c -> byStep.put(c.get("step").asLong(), c));
    assertThat(byStep).containsKeys(10L, 20L);
    return byStep;
  }

  /** The demo server on {@code ip}, serving the checkpoint; pods loading it get that address. */
  private Process serve(JsonNode checkpoint, String ip, Map<String, String> podIps)
      throws IOException {
    Path model = Path.of(URI.create(checkpoint.get("uri").asString()));
    Process server =
        new ProcessBuilder(
                "java",
                "-Xmx128m",
                "-jar",
                DEMO.toString(),
                "serve",
                "--checkpoint",
                model.toString(),
                "--bind",
                ip,
                "--port",
                Integer.toString(SERVING_PORT))
            .redirectErrorStream(true)
            .redirectOutput(DATA_DIR.resolve("server-" + ip + ".log").toFile())
            .start();
    try {
      await("server on " + ip)
          .atMost(PATIENCE)
          .ignoreExceptions()
          .until(
              () ->
                  api.send(
                              HttpRequest.newBuilder(
                                      URI.create("http://" + ip + ":" + SERVING_PORT + "/healthz"))
                                  .GET())
                          .status()
                      == 200);
    } catch (RuntimeException | AssertionError e) {
      server.destroyForcibly();
      throw e;
    }
    podIps.put(model.toString(), ip);
    return server;
  }

  private List<String> deployments() {
    return mock.apps().deployments().inNamespace(Fixtures.NAMESPACE).list().getItems().stream()
        .map(d -> d.getMetadata().getName())
        .toList();
  }

  private JsonNode promote(JsonNode checkpoint, String endpoint) {
    ObjectNode request = JSON.createObjectNode();
    request.put("checkpointId", checkpoint.get("id").asString());
    request.put("endpoint", endpoint);
    request.put("pool", INFERENCE);
    request.put("replicas", 2);
    request.putObject("parity").put("absTolerance", 1e-6).put("relTolerance", 1e-5);
    Api.Response created = api.post("/api/v1/promotions", request.toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    return await("promotion " + id)
        .atMost(LONG)
        .until(
            () -> api.get("/api/v1/promotions/" + id).json(),
            p ->
                List.of("ACTIVE", "REJECTED", "ROLLED_BACK", "FAILED")
                    .contains(p.get("state").asString()));
  }

  private JsonNode latestRollout(String endpoint) {
    return api.get("/api/v1/endpoints/" + endpoint + "/rollouts").json().get("items").get(0);
  }

  private JsonNode awaitEndpoint(String endpoint, int revision) {
    return await("endpoint " + endpoint + " on revision " + revision)
        .atMost(LONG)
        .until(
            () -> api.get("/api/v1/endpoints/" + endpoint).json(),
            e ->
                e.at("/currentRevision/revision").asInt() == revision
                    && "ACTIVE".equals(e.path("state").asString()));
  }

  /** The Job controller creates a pod per index; the scheduler binds them to the allowed nodes. */
  private List<Pod> run(Job job, List<String> allowed) {
    List<Pod> pods = new ArrayList<>();
    for (int index = 0; index < job.getSpec().getCompletions(); index++) {
      pods.add(kubelet.running(kubelet.schedule(job, index, allowed.get(index))));
    }
    return pods;
  }

  /** Each rank's first progress line, sent by the agent of the node it runs on. */
  private void reportProgress(UUID id, int attempt, List<Pod> ranks) {
    for (int rank = 0; rank < ranks.size(); rank++) {
      int r = rank;
      Agent agent = agents.get(ranks.get(rank).getSpec().getNodeName());
      assertThat(
              report(agent, report -> report.progress(id, attempt, r, 10L * attempt, 0.5)).status())
          .isEqualTo(200);
    }
  }

  /** The garbage collector removes the pods of a deleted Job. */
  private void deletePods(String attempt) {
    mock.pods().inNamespace(Fixtures.NAMESPACE).withLabel(Names.ATTEMPT_NAME, attempt).delete();
  }

  /** The node names of the Job's required node affinity: where its ranks may run. */
  private static List<String> placedNodes(Job job) {
    return job
        .getSpec()
        .getTemplate()
        .getSpec()
        .getAffinity()
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .get(0)
        .getMatchExpressions()
        .stream()
        .filter(r -> r.getKey().equals(Names.HOSTNAME))
        .map(NodeSelectorRequirement::getValues)
        .findFirst()
        .orElseThrow();
  }

  private Job awaitJob(UUID id, int attempt) {
    return await("Job " + name(id, attempt))
        .atMost(PATIENCE)
        .until(
            () ->
                mock.batch()
                    .v1()
                    .jobs()
                    .inNamespace(Fixtures.NAMESPACE)
                    .withName(name(id, attempt))
                    .get(),
            job -> job != null);
  }

  private JsonNode awaitState(UUID id, String state) {
    return await("job " + id + " " + state)
        .atMost(PATIENCE)
        .until(() -> job(id), job -> job.get("state").asString().equals(state));
  }

  private static String name(UUID id, int attempt) {
    return Names.attempt(id, attempt);
  }

  private JsonNode job(UUID id) {
    return api.get("/api/v1/jobs/" + id).json();
  }

  private static List<String> nodesOf(JsonNode job) {
    List<String> nodes = new ArrayList<>();
    job.get("placement").forEach(p -> nodes.add(p.get("node").asString()));
    return nodes;
  }

  private List<JsonNode> events(UUID id) {
    List<JsonNode> events = new ArrayList<>();
    api.get("/api/v1/jobs/" + id + "/events?limit=500").json().get("items").forEach(events::add);
    events.sort(Comparator.comparingLong(e -> e.get("id").asLong()));
    return events;
  }

  private UUID submit(Specs spec) {
    Api.Response submitted = api.post("/api/v1/jobs", spec.json());
    assertThat(submitted.status()).as(submitted.body()).isBetween(200, 202);
    return UUID.fromString(submitted.json().get("id").asString());
  }

  private void register(String pool, String prefix, int count, Map<String, String> labels) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = prefix + i;
      if (mock.nodes().withName(name).get() == null) {
        Map<String, String> all = new HashMap<>(labels);
        all.put("baton.io/pool", pool);
        all.put(Names.HOSTNAME, name);
        kubelet.node(name, all);
      }
      names.add("\"" + name + "\"");
    }
    JsonNode issued =
        api.post(
                "/api/v1/admin/node-tokens",
                "{\"pool\":\"" + pool + "\",\"nodes\":[" + String.join(",", names) + "]}",
                "Authorization",
                "Bearer " + adminToken())
            .json();
    issued
        .get("items")
        .forEach(
            t -> {
              String node = t.get("node").asString();
              agents.put(node, new Agent(node, t.get("token").asString()));
            });
  }

  private Api.Response report(Agent agent, Function<Reports, Reports> content) {
    Reports report =
        content.apply(
            aReport(agent.node()).boot(agent.bootId()).seq(agent.seq().getAndIncrement()));
    return api.post(
        "/api/v1/agents/reports", report.json(), "Authorization", "Bearer " + agent.token());
  }

  /** A node agent: its token, its boot and the sequence of its reports. */
  record Agent(String node, String token, String bootId, AtomicLong seq) {
    Agent(String node, String token) {
      this(node, token, UUID.randomUUID().toString(), new AtomicLong());
    }
  }

  private static String adminToken() {
    try {
      return Files.readString(DATA_DIR.resolve("admin-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-k8s-e2e-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
