package io.baton.deploy;

import static io.baton.deploy.Chart.NAMESPACE;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart rendered with nothing but its defaults. */
class DefaultValuesTest {

  private static Manifests manifests;

  @BeforeAll
  static void render() {
    manifests = Chart.render();
  }

  private static Node orchestratorPod() {
    return manifests.node("Deployment", "baton").at("spec.template");
  }

  private static Node orchestrator() {
    return orchestratorPod().at("spec.containers").item("orchestrator");
  }

  @Test
  void rendersTheOrchestratorAndOneAgentDaemonSetPerPool() {
    assertThat(manifests.objects())
        .extracting(o -> o.get("kind") + "/" + Node.of(o).at("metadata.name").text())
        .containsExactlyInAnyOrder(
            "ServiceAccount/baton",
            "ServiceAccount/baton-agent",
            "ConfigMap/baton",
            "Role/baton",
            "RoleBinding/baton",
            "ClusterRole/ml-platform-baton",
            "ClusterRoleBinding/ml-platform-baton",
            "Service/baton",
            "Deployment/baton",
            "PodDisruptionBudget/baton",
            "DaemonSet/baton-agent-ascend-910b",
            "DaemonSet/baton-agent-nvidia-h100",
            "NetworkPolicy/baton-default-deny",
            "NetworkPolicy/baton-orchestrator",
            "NetworkPolicy/baton-agents",
            "NetworkPolicy/baton-ranks",
            "NetworkPolicy/baton-replicas");
  }

  @Test
  void namespacedObjectsLiveInTheReleaseNamespace() {
    assertThat(manifests.objects())
        .filteredOn(o -> !o.get("kind").toString().startsWith("Cluster"))
        .allSatisfy(
            o -> assertThat(Node.of(o).at("metadata.namespace").text()).isEqualTo(NAMESPACE));
  }

  @Test
  void runsTwoReplicasThatAPodDisruptionBudgetKeepsOneOf() {
    assertThat(manifests.node("Deployment", "baton").at("spec.replicas").value()).isEqualTo(2);
    Node pdb = manifests.node("PodDisruptionBudget", "baton");
    assertThat(pdb.at("spec.minAvailable").value()).isEqualTo(1);
    assertThat(pdb.at("spec.selector.matchLabels").map())
        .isEqualTo(orchestratorPod().at("metadata.labels").map());
  }

  @Test
  void probesTheActuatorHealthGroupsOnPort8080() {
    Node container = orchestrator();
    assertThat(container.at("livenessProbe.httpGet").map())
        .containsOnly(entry("path", "/actuator/health/liveness"), entry("port", 8080));
    assertThat(container.at("readinessProbe.httpGet").map())
        .containsOnly(entry("path", "/actuator/health/readiness"), entry("port", 8080));
    assertThat(container.at("startupProbe.httpGet").map())
        .containsOnly(entry("path", "/actuator/health/liveness"), entry("port", 8080));
    assertThat(container.at("ports").item("http").at("containerPort").value()).isEqualTo(8080);
    assertThat(container.at("resources.requests").map()).containsKeys("cpu", "memory");
  }

  @Test
  void theServiceSelectsTheOrchestratorPodsOnPort8080() {
    Node service = manifests.node("Service", "baton");
    assertThat(service.at("spec.selector").map())
        .isEqualTo(orchestratorPod().at("metadata.labels").map());
    Node port = service.at("spec.ports").item("http");
    assertThat(port.at("port").value()).isEqualTo(8080);
    assertThat(port.at("targetPort").value()).isEqualTo("http");
  }

  @Test
  void readsTheExternalDatabaseFromTheSecretAndNeverTheEmbeddedOne() {
    Node env = orchestrator().at("env");
    assertThat(secretRef(env, "SPRING_DATASOURCE_URL")).isEqualTo("baton-postgres/url");
    assertThat(secretRef(env, "SPRING_DATASOURCE_USERNAME")).isEqualTo("baton-postgres/username");
    assertThat(secretRef(env, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("baton-postgres/password");
    assertThat(secretRef(env, "BATON_SECURITY_ADMINTOKEN")).isEqualTo("baton-admin-token/token");
    assertThat(secretRef(env, "BATON_WEBHOOKS_SECRETKEY")).isEqualTo("baton-webhook-key/key");
    assertThat(applicationYaml()).doesNotContain("embedded-postgres").doesNotContain("datasource");
  }

  @Test
  void listensOnEveryInterfaceOfThePodNotTheJarsLoopbackDefault() {
    assertThat(Node.of(config()).at("server.address").text()).isEqualTo("0.0.0.0");
  }

  @Test
  void configuresTheKubernetesBackendInTheReleaseNamespaceWithThePools() {
    Node baton = Node.of(config()).at("baton");
    assertThat(baton.at("cluster.backend").text()).isEqualTo("kubernetes");
    assertThat(baton.at("cluster.kubernetes.namespace").text()).isEqualTo(NAMESPACE);
    assertThat(baton.at("cluster.kubernetes.progress-host-path").text())
        .isEqualTo("/var/lib/baton/progress");
    assertThat(baton.at("cluster.kubernetes.checkpoint-claim").text())
        .isEqualTo("baton-checkpoints");
    assertThat(baton.at("cluster.kubernetes.checkpoint-mount-path").text())
        .isEqualTo("/checkpoints");
    assertThat(baton.at("nodes.report-interval").text()).isEqualTo("5s");
    Node ascend = baton.at("pools").item("ascend-910b");
    assertThat(ascend.map())
        .contains(
            entry("role", "TRAINING"),
            entry("accelerator", "ascend-910b"),
            entry("chips-per-node", 8),
            entry("resource-name", "huawei.com/Ascend910"),
            entry("topology-label", "topology.baton.io/group"),
            entry("node-labels", Map.of("[baton.io/pool]", "ascend-910b")));
    assertThat(baton.at("pools").item("nvidia-h100").at("resource-name").text())
        .isEqualTo("nvidia.com/gpu");
    Node volumes = orchestratorPod().at("spec.volumes");
    assertThat(volumes.item("config").at("configMap.name").text()).isEqualTo("baton");
    assertThat(orchestrator().at("volumeMounts").item("config").at("mountPath").text())
        .isEqualTo("/etc/baton");
    // The gates read golden sets where ranks wrote them: the claim, read-only, at the same path.
    assertThat(volumes.item("checkpoints").at("persistentVolumeClaim.claimName").text())
        .isEqualTo("baton-checkpoints");
    Node checkpoints = orchestrator().at("volumeMounts").item("checkpoints");
    assertThat(checkpoints.at("mountPath").text()).isEqualTo("/checkpoints");
    assertThat(checkpoints.at("readOnly").text()).isEqualTo("true");
    assertThat(
            orchestrator().at("env").item("SPRING_CONFIG_ADDITIONAL_LOCATION").at("value").text())
        .isEqualTo("optional:file:/etc/baton/");
  }

  @Test
  void grantsExactlyTheCallsTheKubernetesBackendMakes() {
    // backend-api-calls.txt is what the backend's own tests see it call on the mock API server.
    assertThat(Rbac.calls(manifests.node("Role", "baton")))
        .as("namespaced grants")
        .isEqualTo(Rbac.backendCalls(false));
    assertThat(Rbac.calls(manifests.node("ClusterRole", "ml-platform-baton")))
        .as("cluster-scoped grants")
        .isEqualTo(Rbac.backendCalls(true));
  }

  @Test
  void bindsTheRolesToTheOrchestratorServiceAccount() {
    String serviceAccount = orchestratorPod().at("spec.serviceAccountName").text();
    assertThat(serviceAccount).isEqualTo("baton");
    for (Node binding :
        List.of(
            manifests.node("RoleBinding", "baton"),
            manifests.node("ClusterRoleBinding", "ml-platform-baton"))) {
      assertThat(binding.at("subjects").list())
          .containsExactly(
              Map.of("kind", "ServiceAccount", "name", serviceAccount, "namespace", NAMESPACE));
    }
    assertThat(manifests.node("RoleBinding", "baton").at("roleRef.name").text()).isEqualTo("baton");
    assertThat(manifests.node("ClusterRoleBinding", "ml-platform-baton").at("roleRef.name").text())
        .isEqualTo("ml-platform-baton");
  }

  @Test
  void theAscendAgentRunsNpuSmiFromTheHostDriverOnThePoolsNodes() {
    Node pod = manifests.node("DaemonSet", "baton-agent-ascend-910b").at("spec.template.spec");
    assertThat(pod.at("nodeSelector").map()).containsOnly(entry("baton.io/pool", "ascend-910b"));
    assertThat(pod.has("runtimeClassName")).isFalse();
    Node agent = pod.at("containers").item("agent");
    assertThat(Agents.command(agent))
        .containsSubsequence("--collector", "npu-smi")
        .containsSubsequence("--npu-smi", "/usr/local/bin/npu-smi");
    assertThat(agent.at("securityContext.privileged").value()).isEqualTo(true);
    assertThat(agent.at("securityContext.runAsUser").value()).isEqualTo(0);
    assertThat(Agents.hostMounts(pod))
        .containsEntry("/usr/local/Ascend/driver", "/usr/local/Ascend/driver")
        .containsEntry("/usr/local/bin/npu-smi", "/usr/local/bin/npu-smi")
        .containsEntry("/usr/local/dcmi", "/usr/local/dcmi");
    assertThat(Agents.readOnlyMounts(agent))
        .contains("/usr/local/Ascend/driver", "/usr/local/bin/npu-smi", "/usr/local/dcmi");
  }

  @Test
  void theNvidiaAgentRunsNvidiaSmiThroughTheNvidiaRuntime() {
    Node pod = manifests.node("DaemonSet", "baton-agent-nvidia-h100").at("spec.template.spec");
    assertThat(pod.at("nodeSelector").map()).containsOnly(entry("baton.io/pool", "nvidia-h100"));
    assertThat(pod.at("runtimeClassName").text()).isEqualTo("nvidia");
    Node agent = pod.at("containers").item("agent");
    assertThat(Agents.command(agent)).containsSubsequence("--collector", "nvidia-smi");
    assertThat(agent.at("env").item("NVIDIA_VISIBLE_DEVICES").at("value").text()).isEqualTo("all");
    assertThat(agent.at("securityContext").has("privileged")).isFalse();
    assertThat(agent.at("securityContext").has("runAsUser")).isFalse();
    assertThat(Agents.hostMounts(pod)).containsOnlyKeys("/var/lib/baton/progress");
  }

  @Test
  void everyAgentReportsWithItsPodsServiceAccountTokenAndTailsTheProgressDirectory() {
    for (String pool : List.of("ascend-910b", "nvidia-h100")) {
      Node pod = manifests.node("DaemonSet", "baton-agent-" + pool).at("spec.template.spec");
      Node agent = pod.at("containers").item("agent");
      assertThat(Agents.command(agent))
          .startsWith("java", "-jar", "/opt/baton/baton-agent.jar", "run")
          .containsSubsequence("--orchestrator", "http://baton:8080")
          .containsSubsequence("--node", "$(NODE_NAME)")
          .containsSubsequence("--token-file", "/var/run/baton/service-account/token")
          .containsSubsequence("--interval", "5s")
          .containsSubsequence("--progress-dir", "/var/lib/baton/progress");
      assertThat(agent.at("env").item("NODE_NAME").at("valueFrom.fieldRef.fieldPath").text())
          .isEqualTo("spec.nodeName");
      Node projected = pod.at("volumes").item("service-account-token").at("projected.sources");
      assertThat(projected.list())
          .singleElement()
          .isEqualTo(
              Map.of(
                  "serviceAccountToken",
                  Map.of("audience", "baton", "expirationSeconds", 3600, "path", "token")));
      assertThat(pod.at("volumes").list())
          .noneMatch(v -> Node.of(v).has("secret"))
          .as("no Secret holding every node's token");
      assertThat(agent.at("volumeMounts").item("service-account-token").map())
          .containsEntry("mountPath", "/var/run/baton/service-account")
          .containsEntry("readOnly", true);
      assertThat(pod.at("serviceAccountName").text()).isEqualTo("baton-agent");
      assertThat(Agents.hostMounts(pod))
          .containsEntry("/var/lib/baton/progress", "/var/lib/baton/progress");
      assertThat(Agents.readOnlyMounts(agent)).contains("/var/lib/baton/progress");
      assertThat(pod.at("automountServiceAccountToken").value()).isEqualTo(false);
      assertThat(pod.at("tolerations").list())
          .contains(Map.of("key", "baton.io/chip-fault", "operator", "Exists"));
    }
  }

  @Test
  void noServiceMonitorUnlessAskedFor() {
    assertThat(manifests.ofKind("ServiceMonitor")).isEmpty();
  }

  private static String secretRef(Node env, String name) {
    Node ref = env.item(name);
    assertThat(ref.has("value")).as(name + " has a literal value").isFalse();
    Node key = ref.at("valueFrom.secretKeyRef");
    return key.at("name").text() + "/" + key.at("key").text();
  }

  private static String applicationYaml() {
    return manifests.node("ConfigMap", "baton").at("data").child("application.yaml").text();
  }

  private static Map<String, Object> config() {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(applicationYaml());
  }
}
