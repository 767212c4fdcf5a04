package io.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The Grafana dashboards' ConfigMaps and the PrometheusRule, off by default and on by switch. */
class MonitoringValuesTest {

  @Test
  void neitherDashboardsNorRulesByDefault() {
    Manifests manifests = Chart.render();

    assertThat(manifests.ofKind("PrometheusRule")).isEmpty();
    assertThat(manifests.ofKind("ConfigMap"))
        .extracting(c -> Node.of(c).at("metadata.name").text())
        .noneMatch(name -> name.contains("dashboard"));
  }

  @Test
  void fourDashboardsCarryTheSidecarsLabelAndTheirJson() {
    Manifests manifests =
        Chart.render(
            Chart.RELEASE,
            Map.of("grafanaDashboards.enabled", true, "grafanaDashboards.labelValue", "yes"));

    List<Node> dashboards =
        manifests.ofKind("ConfigMap").stream()
            .map(Node::of)
            .filter(c -> c.at("metadata.name").text().startsWith("baton-dashboard-"))
            .toList();
    assertThat(dashboards)
        .extracting(c -> c.at("metadata.name").text())
        .containsExactlyInAnyOrder(
            "baton-dashboard-fleet-health",
            "baton-dashboard-training-jobs",
            "baton-dashboard-promotions",
            "baton-dashboard-endpoints");
    for (Node configMap : dashboards) {
      assertThat(configMap.at("metadata.labels").child("grafana_dashboard").text())
          .isEqualTo("yes");
      assertThat(configMap.at("metadata.annotations").child("grafana_folder").text())
          .isEqualTo("Baton");
      Map<String, Object> data = configMap.at("data").map();
      assertThat(data).hasSize(1);
      String json = (String) data.values().iterator().next();
      Node dashboard = Node.of(new Yaml(new SafeConstructor(new LoaderOptions())).load(json));
      assertThat(dashboard.at("uid").text()).startsWith("baton-");
      assertThat(dashboard.at("panels").list()).hasSizeGreaterThanOrEqualTo(4);
      assertThat(json).contains("baton_").doesNotContain("{{ .Values");
    }
  }

  @Test
  void theRuleHasEveryAlertWithTheThresholdsOfTheValues() {
    Manifests manifests =
        Chart.render(
            Chart.RELEASE,
            Map.of(
                "prometheusRule.enabled",
                true,
                "prometheusRule.jobWaitingSeconds",
                7200,
                "prometheusRule.labels.release",
                "kube-prometheus-stack"));

    Node rule = manifests.node("PrometheusRule", "baton");
    assertThat(rule.at("metadata.labels").child("release").text())
        .isEqualTo("kube-prometheus-stack");
    List<Object> rules = rule.at("spec.groups").item("baton").at("rules").list();
    assertThat(rules)
        .extracting(r -> Node.of(r).at("alert").text())
        .contains(
            "BatonChipsInFault",
            "BatonNodesIsolated",
            "BatonJobRecoveringRepeatedly",
            "BatonJobsWaitingLong",
            "BatonPromotionGateStuck",
            "BatonWebhookDeliveriesFailing",
            "BatonAgentsSilent");
    Node waiting =
        Node.of(
            rules.stream()
                .filter(r -> Node.of(r).at("alert").text().equals("BatonJobsWaitingLong"))
                .findFirst()
                .orElseThrow());
    assertThat(waiting.at("expr").text()).endsWith("> 7200");
    assertThat(Node.of(rules.get(0)).at("annotations.summary").text())
        .as("Prometheus's own templates reach Prometheus untouched")
        .contains("{{ $labels.node }}");
  }
}
