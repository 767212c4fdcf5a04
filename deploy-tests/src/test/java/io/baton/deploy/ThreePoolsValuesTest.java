package io.baton.deploy;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Two Ascend pools and one Nvidia pool, three replicas, custom resources and Secrets, a
 * ServiceMonitor: {@code values/three-pools.yaml}.
 */
class ThreePoolsValuesTest {

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = Chart.render(Chart.values("three-pools.yaml"));
  }

  private static Node agentPod(String pool) {
    return manifests.node("DaemonSet", "baton-agent-" + pool).at("spec.template.spec");
  }

  private static Node orchestrator() {
    return manifests
        .node("Deployment", "baton")
        .at("spec.template.spec.containers")
        .item("orchestrator");
  }

  @Test
  void oneDaemonSetPerPoolOnThatPoolsNodes() {
    assertThat(manifests.ofKind("DaemonSet")).hasSize(3);
    assertThat(agentPod("ascend-910b").at("nodeSelector").map())
        .containsOnly(
            entry("baton.io/pool", "ascend-910b"), entry("accelerator", "huawei-Ascend910"));
    assertThat(agentPod("ascend-910c").at("nodeSelector").map())
        .containsOnly(entry("baton.io/pool", "ascend-910c"));
    assertThat(agentPod("nvidia-h100").at("nodeSelector").map())
        .containsOnly(
            entry("baton.io/pool", "nvidia-h100"),
            entry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"));
  }

  @Test
  void bothAscendPoolsGetTheDriverAndTheNvidiaPoolTheRuntime() {
    for (String pool : new String[] {"ascend-910b", "ascend-910c"}) {
      Node pod = agentPod(pool);
      assertThat(Agents.command(pod.at("containers").item("agent")))
          .containsSubsequence("--collector", "npu-smi");
      assertThat(Agents.hostMounts(pod))
          .containsKeys("/usr/local/Ascend/driver", "/usr/local/dcmi");
      assertThat(pod.has("runtimeClassName")).isFalse();
    }
    Node nvidia = agentPod("nvidia-h100");
    assertThat(nvidia.at("runtimeClassName").text()).isEqualTo("nvidia");
    assertThat(Agents.command(nvidia.at("containers").item("agent")))
        .containsSubsequence("--collector", "nvidia-smi")
        .endsWith("--tool-timeout", "20s");
  }

  @Test
  void agentsUseTheConfiguredTokensSecretIntervalAndProgressDirectory() {
    for (String pool : new String[] {"ascend-910b", "ascend-910c", "nvidia-h100"}) {
      Node pod = agentPod(pool);
      assertThat(pod.at("volumes").item("tokens").at("secret.secretName").text())
          .isEqualTo("fleet-tokens");
      assertThat(Agents.hostMounts(pod))
          .containsEntry("/data/baton/progress", "/var/lib/baton/progress");
      assertThat(Agents.command(pod.at("containers").item("agent")))
          .containsSubsequence("--interval", "10s")
          .containsSubsequence("--progress-dir", "/var/lib/baton/progress");
    }
  }

  @Test
  void resourcesComeFromTheValuesAndAPoolMayOverrideTheAgents() {
    assertThat(orchestrator().at("resources").map())
        .isEqualTo(
            Map.of(
                "requests", Map.of("cpu", "2", "memory", "3Gi"),
                "limits", Map.of("cpu", "4", "memory", "4Gi")));
    assertThat(agentPod("ascend-910b").at("containers").item("agent").at("resources").map())
        .isEqualTo(
            Map.of(
                "requests", Map.of("cpu", "100m", "memory", "200Mi"),
                "limits", Map.of("memory", "300Mi")));
    assertThat(agentPod("ascend-910c").at("containers").item("agent").at("resources").map())
        .isEqualTo(Map.of("requests", Map.of("cpu", "200m", "memory", "256Mi")));
  }

  @Test
  void threeReplicasOfWhichTheBudgetKeepsTwo() {
    assertThat(manifests.node("Deployment", "baton").at("spec.replicas").value()).isEqualTo(3);
    assertThat(manifests.node("PodDisruptionBudget", "baton").at("spec.minAvailable").value())
        .isEqualTo(2);
  }

  @Test
  void secretsAreReferencedByTheConfiguredNamesAndKeys() {
    Node env = orchestrator().at("env");
    assertThat(env.item("SPRING_DATASOURCE_URL").at("valueFrom.secretKeyRef").map())
        .containsOnly(entry("name", "pg-credentials"), entry("key", "jdbc-url"));
    assertThat(env.item("SPRING_DATASOURCE_USERNAME").at("valueFrom.secretKeyRef").map())
        .containsOnly(entry("name", "pg-credentials"), entry("key", "user"));
    assertThat(env.item("SPRING_DATASOURCE_PASSWORD").at("valueFrom.secretKeyRef").map())
        .containsOnly(entry("name", "pg-credentials"), entry("key", "pass"));
    assertThat(env.item("BATON_SECURITY_ADMINTOKEN").at("valueFrom.secretKeyRef").map())
        .containsOnly(entry("name", "baton-admin"), entry("key", "admin-token"));
  }

  private static Node config() {
    String yaml = manifests.node("ConfigMap", "baton").at("data").child("application.yaml").text();
    return Node.of(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml)).at("baton");
  }

  @Test
  void extraConfigurationIsMergedUnderWhatTheChartOwns() {
    Node baton = config();
    assertThat(baton.at("nodes").map())
        .containsOnly(entry("report-interval", "10s"), entry("timeout", "20s"));
    assertThat(baton.at("scheduler.reservation-after").text()).isEqualTo("5m");
    assertThat(baton.at("cluster.backend").text()).isEqualTo("kubernetes");
    assertThat(baton.at("pools").list()).hasSize(3);
    assertThat(baton.at("pools").item("ascend-910c").map())
        .contains(entry("nodes", 16), entry("chips-per-node", 16))
        .doesNotContainKey("topology-label");
  }

  @Test
  void aPoolsTolerationsReachItsAgentsAndTheBackend() {
    Map<String, Object> toleration =
        Map.of("key", "huawei.com/Ascend910", "operator", "Exists", "effect", "NoSchedule");
    assertThat(agentPod("ascend-910c").at("tolerations").list())
        .containsExactlyInAnyOrder(
            Map.of("key", "baton.io/chip-fault", "operator", "Exists"), toleration);
    assertThat(agentPod("ascend-910b").at("tolerations").list())
        .containsExactly(Map.of("key", "baton.io/chip-fault", "operator", "Exists"));
    assertThat(config().at("pools").item("ascend-910c").at("tolerations").list())
        .containsExactly(toleration);
  }

  @Test
  void theCheckpointClaimIsCreatedKeptAndNamedToTheBackend() {
    Node claim = manifests.node("PersistentVolumeClaim", "fleet-checkpoints");
    assertThat(claim.at("metadata.annotations").map())
        .containsEntry("helm.sh/resource-policy", "keep");
    assertThat(claim.at("spec.accessModes").list()).containsExactly("ReadWriteMany");
    assertThat(claim.at("spec.storageClassName").text()).isEqualTo("cephfs");
    assertThat(claim.at("spec.resources.requests.storage").text()).isEqualTo("50Ti");
    assertThat(config().at("cluster.kubernetes").map())
        .containsEntry("checkpoint-claim", "fleet-checkpoints")
        .containsEntry("progress-host-path", "/data/baton/progress");
  }

  @Test
  void theServiceMonitorScrapesPrometheusFromTheOrchestratorService() {
    Node monitor = manifests.node("ServiceMonitor", "baton");
    assertThat(manifests.get("ServiceMonitor", "baton").get("apiVersion"))
        .isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.at("metadata.labels").map())
        .containsEntry("release", "kube-prometheus-stack");
    Node endpoint = Node.of(monitor.at("spec.endpoints").list().get(0));
    assertThat(endpoint.map())
        .contains(
            entry("port", "http"), entry("path", "/actuator/prometheus"), entry("interval", "15s"));
    assertThat(manifests.node("Service", "baton").at("metadata.labels").map())
        .containsAllEntriesOf(monitor.at("spec.selector.matchLabels").map());
    assertThat(monitor.at("spec.namespaceSelector.matchNames").list())
        .containsExactly(Chart.NAMESPACE);
    // The metrics need an admin's token: Prometheus sends the admin token's Secret by default.
    assertThat(endpoint.at("authorization.type").value()).isEqualTo("Bearer");
    assertThat((String) endpoint.at("authorization.credentials.name").value()).isNotBlank();
  }
}
