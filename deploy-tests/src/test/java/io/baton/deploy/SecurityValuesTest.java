package io.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The walls the chart puts up: network policies, one admin token for every replica, OIDC settings
 * for the orchestrator, the restricted profile for the orchestrator, agents that can only speak for
 * their own node.
 */
class SecurityValuesTest {

  private static final Manifests DEFAULTS = Chart.render();
  private static final Manifests NARROWED = Chart.render(Chart.values("oidc-and-network.yaml"));

  @Test
  void everythingInTheNamespaceIsDeniedUnlessAPolicyLetsItIn() {
    Node deny = DEFAULTS.node("NetworkPolicy", "baton-default-deny").at("spec");

    assertThat(deny.at("podSelector").map()).isEmpty();
    assertThat(deny.at("policyTypes").list()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(deny.has("ingress")).isFalse();
    assertThat(deny.has("egress")).isFalse();
    assertThat(DEFAULTS.ofKind("NetworkPolicy"))
        .extracting(p -> Node.of(p).at("metadata.name").text())
        .containsExactlyInAnyOrder(
            "baton-default-deny",
            "baton-orchestrator",
            "baton-agents",
            "baton-ranks",
            "baton-replicas");
    assertThat(
            Chart.render(Chart.RELEASE, Map.of("networkPolicy.enabled", false))
                .ofKind("NetworkPolicy"))
        .isEmpty();
  }

  @Test
  void theOrchestratorTakesItsApiPortAndCallsOnlyWhatItNeeds() {
    Node policy = DEFAULTS.node("NetworkPolicy", "baton-orchestrator").at("spec");

    assertThat(policy.at("podSelector.matchLabels").map())
        .containsEntry("app.kubernetes.io/component", "orchestrator");
    List<Object> ingress = policy.at("ingress").list();
    assertThat(ingress).hasSize(2);
    assertThat(Node.of(ingress.get(0)).at("ports").list())
        .containsExactly(Map.of("protocol", "TCP", "port", 8080));
    assertThat(Node.of(ingress.get(0)).has("from")).as("from anywhere by default").isFalse();
    assertThat(Node.of(ingress.get(1)).at("from").list().toString())
        .contains("app.kubernetes.io/component=agent");
    String egress = policy.at("egress").list().toString();
    assertThat(egress)
        .contains("port=53", "k8s-app=kube-dns")
        .contains("cidr=0.0.0.0/0", "port=443", "port=6443")
        .contains("port=5432")
        .contains("baton.io/component=replica", "port=8000");
  }

  @Test
  void agentsMayOnlyReportToTheOrchestratorAndRanksOnlyTalkToRanks() {
    Node agents = DEFAULTS.node("NetworkPolicy", "baton-agents").at("spec");
    assertThat(agents.has("ingress")).isFalse();
    assertThat(agents.at("egress").list()).hasSize(2);
    assertThat(agents.at("egress").list().get(1).toString())
        .contains("app.kubernetes.io/component=orchestrator", "port=8080");

    Node ranks = DEFAULTS.node("NetworkPolicy", "baton-ranks").at("spec");
    assertThat(ranks.at("podSelector.matchLabels").map())
        .containsOnly(
            entry("app.kubernetes.io/managed-by", "baton"), entry("baton.io/component", "rank"));
    assertThat(ranks.at("ingress").list())
        .singleElement()
        .satisfies(rule -> assertThat(rule.toString()).contains("baton.io/component=rank"));
    assertThat(ranks.at("egress").list()).hasSize(2);

    Node replicas = DEFAULTS.node("NetworkPolicy", "baton-replicas").at("spec");
    assertThat(replicas.at("egress").list()).hasSize(1);
    assertThat(replicas.at("ingress").list().toString()).contains("port=8000");
  }

  @Test
  void narrowedValuesNarrowThePolicies() {
    Node orchestrator = NARROWED.node("NetworkPolicy", "baton-orchestrator").at("spec");
    assertThat(Node.of(orchestrator.at("ingress").list().get(0)).at("from").list().toString())
        .contains("kubernetes.io/metadata.name=ingress-nginx");
    String egress = orchestrator.at("egress").list().toString();
    assertThat(egress)
        .contains("cidr=10.96.0.1/32", "cidr=10.20.0.15/32", "port=5433")
        .contains("cidr=192.0.2.0/24", "port=8443")
        .doesNotContain("6443", "0.0.0.0/0");
    assertThat(NARROWED.node("NetworkPolicy", "baton-ranks").at("spec.egress").list().toString())
        .contains("cidr=198.51.100.0/24", "port=9000");
  }

  @Test
  void oidcValuesBecomeTheOrchestratorsSecurityConfiguration() {
    Node oidc = Node.of(config(NARROWED)).at("baton.security.oidc");

    assertThat(oidc.at("issuer-uri").text()).isEqualTo("https://login.example.com/realms/ml");
    assertThat(oidc.at("jwk-set-uri").text())
        .isEqualTo("https://login.example.com/realms/ml/protocol/openid-connect/certs");
    assertThat(oidc.at("audiences").list()).containsExactly("baton", "baton-cli");
    assertThat(oidc.at("grants-claim").text()).isEqualTo("groups");
    assertThat(oidc.at("group-mappings").map())
        .containsOnly(
            entry("[baton-research-maintainer]", "research:maintainer"),
            entry("[ml.vision/viewers]", "vision:viewer"));
    assertThat(Node.of(config(DEFAULTS)).at("baton").has("security")).isFalse();
  }

  @Test
  void aBadGroupMappingIsRefusedByTheSchema() {
    assertThatThrownBy(
            () -> Chart.render(Chart.RELEASE, Map.of("oidc.groupMappings.admins", "not a grant")))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("groupMappings");
  }

  @Test
  void withoutAnAdminTokenSecretTheChartRefusesToRender() {
    assertThatThrownBy(() -> Chart.render(Chart.RELEASE, Map.of("adminToken.existingSecret", "")))
        .hasMessageContaining("adminToken")
        .hasMessageContaining("adminToken.generate=true");
  }

  /**
   * {@code adminToken.generate} first looks up the Secret of an earlier install, so an upgrade
   * keeps the token. helm-java's {@code template} (unlike the CLI's) does not stub {@code lookup}
   * out and reaches for a cluster, which this test has not: the error shows the lookup comes first.
   */
  @Test
  void aGeneratedAdminTokenIsLookedUpBeforeItIsMadeSoUpgradesKeepIt() {
    assertThatThrownBy(
            () ->
                Chart.render(
                    Chart.RELEASE,
                    Map.of("adminToken.existingSecret", "", "adminToken.generate", true)))
        .hasMessageContaining("admin-token-secret.yaml")
        .hasMessageContaining("lookup \"v1\" \"Secret\"");
    assertThat(DEFAULTS.ofKind("Secret")).as("an existing Secret is only referenced").isEmpty();
    assertThat(
            DEFAULTS
                .node("Deployment", "baton")
                .at("spec.template.spec.containers")
                .item("orchestrator")
                .at("env")
                .item("BATON_SECURITY_ADMINTOKEN")
                .at("valueFrom.secretKeyRef")
                .map())
        .containsOnly(entry("name", "baton-admin-token"), entry("key", "token"));
  }

  @Test
  void theOrchestratorMeetsTheRestrictedProfile() {
    Node pod = DEFAULTS.node("Deployment", "baton").at("spec.template.spec");
    Node container = pod.at("containers").item("orchestrator");

    assertThat(pod.at("securityContext").map())
        .containsEntry("runAsNonRoot", true)
        .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
    assertThat(container.at("securityContext").map())
        .containsEntry("allowPrivilegeEscalation", false)
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
    assertThat(pod.at("automountServiceAccountToken").value())
        .as("it calls the API server")
        .isEqualTo(true);
  }

  @Test
  void theBackendIsToldHowToSecureWhatItCreates() {
    Node kubernetes = Node.of(config(DEFAULTS)).at("baton.cluster.kubernetes");
    assertThat(kubernetes.at("pod-security").map())
        .containsOnly(
            entry("run-as-user", 10001), entry("run-as-group", 10001), entry("fs-group", 10001));
    assertThat(kubernetes.at("serving-port").value()).isEqualTo(8000);
    assertThat(kubernetes.at("agent-authentication").map())
        .containsOnly(
            entry("enabled", true),
            entry("audience", "baton"),
            entry("service-account", "baton-agent"));
    assertThat(
            Node.of(config(NARROWED))
                .at("baton.pools")
                .item("ascend-910b")
                .at("run-as-root")
                .value())
        .isEqualTo(true);
    assertThat(Node.of(config(DEFAULTS)).at("baton.pools").item("ascend-910b").has("run-as-root"))
        .isFalse();
  }

  @Test
  void nodeTokensTurnTheServiceAccountTokensOff() {
    Manifests manifests = Chart.render(Chart.RELEASE, Map.of("agent.authentication", "nodeTokens"));

    Node pod = manifests.node("DaemonSet", "baton-agent-ascend-910b").at("spec.template.spec");
    assertThat(Agents.command(pod.at("containers").item("agent")))
        .containsSubsequence("--token-file", "/var/run/baton/tokens/$(NODE_NAME)");
    assertThat(pod.at("volumes").item("tokens").at("secret.secretName").text())
        .isEqualTo("baton-node-tokens");
    assertThat(pod.at("volumes").list().toString()).doesNotContain("serviceAccountToken");
    assertThat(
            Node.of(config(manifests))
                .at("baton.cluster.kubernetes.agent-authentication.enabled")
                .value())
        .isEqualTo(false);
  }

  @Test
  void anInitContainerOpensTheProgressDirectoryToNonRootRanks() {
    Node init =
        DEFAULTS
            .node("DaemonSet", "baton-agent-nvidia-h100")
            .at("spec.template.spec.initContainers")
            .item("progress-dir");

    assertThat(Agents.command(init))
        .containsExactly("sh", "-c", "chmod 1777 /var/lib/baton/progress");
    assertThat(init.at("securityContext.capabilities").map())
        .isEqualTo(Map.of("drop", List.of("ALL")));
    assertThat(init.at("securityContext.allowPrivilegeEscalation").value()).isEqualTo(false);
  }

  private static Map<String, Object> config(Manifests manifests) {
    return new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(manifests.node("ConfigMap", "baton").at("data").child("application.yaml").text());
  }
}
