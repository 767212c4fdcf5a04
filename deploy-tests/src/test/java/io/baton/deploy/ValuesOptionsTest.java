package io.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Switches of the chart, set the way {@code helm install --set} sets them. */
class ValuesOptionsTest {

  @Test
  void agentsFindTheOrchestratorUnderTheReleasesName() {
    Manifests manifests = Chart.render("prod", Map.of());

    Node agent =
        manifests
            .node("DaemonSet", "prod-baton-agent-ascend-910b")
            .at("spec.template.spec.containers")
            .item("agent");
    assertThat(Agents.command(agent))
        .containsSubsequence("--orchestrator", "http://prod-baton:8080");
    assertThat(
            manifests
                .node("Service", "prod-baton")
                .at("spec.ports")
                .item("http")
                .at("port")
                .value())
        .isEqualTo(8080);
    assertThat(manifests.node("ClusterRole", "ml-platform-prod-baton").at("rules").list())
        .hasSize(2);
  }

  @Test
  void withoutRbacNoRolesAreRendered() {
    Manifests manifests = Chart.render(Chart.RELEASE, Map.of("rbac.create", false));

    assertThat(manifests.ofKind("Role")).isEmpty();
    assertThat(manifests.ofKind("ClusterRole")).isEmpty();
    assertThat(manifests.ofKind("RoleBinding")).isEmpty();
    assertThat(manifests.ofKind("ClusterRoleBinding")).isEmpty();
  }

  @Test
  void aPoolsAgentCanBeTurnedOff() {
    Manifests manifests = Chart.render(Chart.values("nvidia-agent-off.yaml"));

    assertThat(manifests.ofKind("DaemonSet"))
        .extracting(d -> Node.of(d).at("metadata.name").text())
        .containsExactly("baton-agent-ascend-910b");
    assertThat(manifests.node("ConfigMap", "baton").at("data").child("application.yaml").text())
        .contains("name: nvidia-h100");
  }

  @Test
  void aPoolsHangTimeoutsReachTheOrchestratorAndOnlyWhereSet() {
    Manifests manifests = Chart.render(Chart.values("hang-timeouts.yaml"));

    String yaml = manifests.node("ConfigMap", "baton").at("data").child("application.yaml").text();
    Node pools =
        Node.of(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml)).at("baton.pools");
    assertThat(pools.item("ascend-910b").at("hang-timeout-floor").text()).isEqualTo("10m");
    assertThat(pools.item("ascend-910b").at("startup-timeout").text()).isEqualTo("1h");
    assertThat(pools.item("nvidia-h100").has("startup-timeout")).isFalse();
  }

  @Test
  void aPoolsStragglerIsolationAndFaultPolicySettingsReachTheOrchestratorAndOnlyWhereSet() {
    Manifests manifests = Chart.render(Chart.values("soft-faults.yaml"));

    String yaml = manifests.node("ConfigMap", "baton").at("data").child("application.yaml").text();
    Node pools =
        Node.of(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml)).at("baton.pools");
    Node ascend = pools.item("ascend-910b");
    assertThat(ascend.at("straggler-policy").text()).isEqualTo("replace");
    assertThat(ascend.at("straggler-factor").value()).isEqualTo(1.4);
    assertThat(ascend.at("straggler-window").value()).isEqualTo(30);
    assertThat(ascend.at("reputation-half-life").text()).isEqualTo("6h");
    assertThat(ascend.at("reputation-threshold").value()).isEqualTo(0.2);
    assertThat(ascend.at("isolation-cooldown").text()).isEqualTo("2h");
    assertThat(ascend.at("fault-policy").value())
        .isEqualTo(
            List.of(
                Map.of(
                    "signal", "link:DOWN",
                    "action", "isolate-chip",
                    "escalate-after", 2,
                    "escalate-within", "30m",
                    "escalate-to", "isolate-node"),
                Map.of("signal", "ascend-level:SubHealthFault", "action", "ignore"),
                Map.of(
                    "signal", "hang",
                    "action", "restart-job",
                    "escalate-after", 3,
                    "escalate-within", "10m",
                    "escalate-to", "isolate-node")));
    Node nvidia = pools.item("nvidia-h100");
    for (String key :
        List.of(
            "straggler-policy",
            "straggler-factor",
            "straggler-window",
            "reputation-half-life",
            "reputation-threshold",
            "isolation-cooldown",
            "fault-policy")) {
      assertThat(nvidia.has(key)).as(key).isFalse();
    }
  }

  @Test
  void theListeningAddressCanBeSetThroughTheOrchestratorsConfig() {
    Manifests manifests =
        Chart.render(Chart.RELEASE, Map.of("orchestrator.config.server.address", "::"));

    String yaml = manifests.node("ConfigMap", "baton").at("data").child("application.yaml").text();
    Map<String, Object> config = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    assertThat(Node.of(config).at("server.address").text()).isEqualTo("::");
  }

  @Test
  void theDatabaseIsConfiguredEvenWithOneReplicaAndNoPdb() {
    Manifests manifests =
        Chart.render(
            Chart.RELEASE,
            Map.of(
                "orchestrator.replicaCount", 1, "orchestrator.podDisruptionBudget.enabled", false));

    assertThat(manifests.ofKind("PodDisruptionBudget")).isEmpty();
    Node env =
        manifests
            .node("Deployment", "baton")
            .at("spec.template.spec.containers")
            .item("orchestrator")
            .at("env");
    assertThat(env.item("SPRING_DATASOURCE_URL").at("valueFrom.secretKeyRef.name").text())
        .isEqualTo("baton-postgres");
  }
}
