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
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
      "baton.scheduler.tick-interval=500ms",
      "baton.nodes.timeout=10m"
    })
class KubernetesEndToEndIT {

  private static final String TRAINING = "ascend-910b";
  private static final String INFERENCE = "nvidia-h100";
  private static final String FAULT_TAINT = "baton.io/chip-fault";
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private static final KubernetesMockServer SERVER =
      new KubernetesMockServer(
          new Context(),
          new MockWebServer(),
          new HashMap<>(),
          new KubernetesCrudDispatcher(),
          false);
  private static final Path DATA_DIR = tempDir();
  private static KubernetesClient mock;

  @BeforeAll
  static void server() {
    if (mock == null) {
      SERVER.init();
      mock = SERVER.createClient();
    }
  }

  @DynamicPropertySource
  static void cluster(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
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
    api = new Api(port);
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

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-k8s-e2e-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
