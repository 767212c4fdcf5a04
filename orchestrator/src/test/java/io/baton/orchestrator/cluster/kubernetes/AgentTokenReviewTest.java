package io.baton.orchestrator.cluster.kubernetes;

import static io.baton.orchestrator.cluster.kubernetes.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.security.NodeIdentityReview;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agents authenticated by their projected service-account tokens: the mock API server stores nodes
 * and pods (CRUD) and answers TokenReviews from a table, as the API server would for tokens it
 * issued.
 */
@EnableKubernetesMockClient(crud = true)
class AgentTokenReviewTest {

  static final String AGENT = "system:serviceaccount:" + NAMESPACE + ":baton-agent";
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  KubernetesClient client;
  KubernetesMockServer server;
  Kubelet kubelet;
  AgentTokenReview review;
  final Map<String, TokenReview> answers = new ConcurrentHashMap<>();
  final List<String> registered = new ArrayList<>();

  @BeforeEach
  void start() {
    kubelet = new Kubelet(client, NAMESPACE);
    kubelet.node("node-a", Map.of("baton.io/pool", "ascend"));
    kubelet.node("gpu-a", Map.of("baton.io/pool", "nvidia"));
    kubelet.node("stray", Map.of());
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            201,
            request -> {
              TokenReview asked =
                  client
                      .getKubernetesSerialization()
                      .unmarshal(request.getUtf8Body(), TokenReview.class);
              TokenReview answer = answers.get(asked.getSpec().getToken());
              return answer != null
                  ? answer
                  : new TokenReviewBuilder()
                      .withNewStatus()
                      .withAuthenticated(false)
                      .withError("invalid bearer token")
                      .endStatus()
                      .build();
            })
        .always();
    review =
        new AgentTokenReview(
            ApiAudit.client(client),
            Fixtures.properties(),
            Fixtures.pools(),
            (node, pool) -> registered.add(node + "@" + pool.name()),
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void audit() throws InterruptedException {
    ApiAudit.assertGranted(server);
  }

  @Test
  void anAgentsTokenStandsForTheNodeItsPodRunsOnAndRegistersItInItsPool() {
    String token = jwt(NOW.plusSeconds(3600));
    answers.put(token, answer(AGENT, Map.of(AgentTokenReview.NODE_NAME, "node-a"), "baton"));

    Optional<NodeIdentityReview.Reviewed> reviewed = review.review(token);

    assertThat(reviewed)
        .contains(new NodeIdentityReview.Reviewed("node-a", NOW.plus(Duration.ofMinutes(2))));
    assertThat(registered).containsExactly("node-a@ascend");
  }

  @Test
  void theAnswerIsTrustedNoLongerThanTheTokenLives() {
    String token = jwt(NOW.plusSeconds(30));
    answers.put(token, answer(AGENT, Map.of(AgentTokenReview.NODE_NAME, "gpu-a"), "baton"));

    assertThat(review.review(token))
        .contains(new NodeIdentityReview.Reviewed("gpu-a", NOW.plusSeconds(30)));
    assertThat(registered).containsExactly("gpu-a@nvidia");
  }

  @Test
  void beforeKubernetes130TheNodeComesFromThePodTheTokenIsBoundTo() {
    var pod =
        client
            .pods()
            .inNamespace(NAMESPACE)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("baton-agent-ascend-x1")
                    .withNamespace(NAMESPACE)
                    .withUid("uid-x1")
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName("node-a")
                    .endSpec()
                    .build())
            .create();
    String uid = pod.getMetadata().getUid();
    String token = jwt(NOW.plusSeconds(3600));
    answers.put(
        token,
        answer(
            AGENT,
            Map.of(
                AgentTokenReview.POD_NAME, "baton-agent-ascend-x1", AgentTokenReview.POD_UID, uid),
            "baton"));
    String stale = jwt(NOW.plusSeconds(3601));
    answers.put(
        stale,
        answer(
            AGENT,
            Map.of(
                AgentTokenReview.POD_NAME,
                "baton-agent-ascend-x1",
                AgentTokenReview.POD_UID,
                "an-older-pod"),
            "baton"));

    assertThat(review.review(token)).map(NodeIdentityReview.Reviewed::node).contains("node-a");
    assertThat(review.review(stale)).as("a token of an earlier pod of that name").isEmpty();
  }

  @Test
  void tokensOfOtherAccountsOtherAudiencesOrNoPoolAreRefused() {
    String otherAccount = jwt(NOW.plusSeconds(3600));
    answers.put(
        otherAccount,
        answer(
            "system:serviceaccount:" + NAMESPACE + ":default",
            Map.of(AgentTokenReview.NODE_NAME, "node-a"),
            "baton"));
    String otherAudience = jwt(NOW.plusSeconds(3601));
    answers.put(
        otherAudience,
        answer(
            AGENT, Map.of(AgentTokenReview.NODE_NAME, "node-a"), "https://kubernetes.default.svc"));
    String strayNode = jwt(NOW.plusSeconds(3602));
    answers.put(strayNode, answer(AGENT, Map.of(AgentTokenReview.NODE_NAME, "stray"), "baton"));
    String noNode = jwt(NOW.plusSeconds(3603));
    answers.put(noNode, answer(AGENT, Map.of(), "baton"));

    assertThat(review.review(otherAccount)).isEmpty();
    assertThat(review.review(otherAudience)).isEmpty();
    assertThat(review.review(strayNode)).isEmpty();
    assertThat(review.review(noNode)).isEmpty();
    assertThat(review.review("not-a-token-the-server-issued")).isEmpty();
    assertThat(registered).isEmpty();
  }

  private static TokenReview answer(String user, Map<String, String> extra, String audience) {
    Map<String, List<String>> lists = new java.util.HashMap<>();
    extra.forEach((k, v) -> lists.put(k, List.of(v)));
    return new TokenReviewBuilder()
        .withNewStatus()
        .withAuthenticated(true)
        .withAudiences(audience)
        .withNewUser()
        .withUsername(user)
        .withExtra(lists)
        .endUser()
        .endStatus()
        .build();
  }

  /**
   * A JWT-shaped token whose claims say when it expires (the signature is the server's business).
   */
  private static String jwt(Instant exp) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(
            ("{\"aud\":[\"baton\"],\"exp\":" + exp.getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8))
        + ".c2ln";
  }
}
