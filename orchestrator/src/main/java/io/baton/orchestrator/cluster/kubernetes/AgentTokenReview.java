package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.security.NodeIdentityReview;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Node agents authenticated by the service-account token Kubernetes projects into their pod
 * (audience {@code baton}, rotated by the kubelet): the API server says, through a TokenReview,
 * whether the token is valid for that audience, whose it is and — since Kubernetes 1.30 — which
 * node its pod runs on ({@code authentication.kubernetes.io/node-name}); on older clusters the node
 * is read from the pod the token is bound to ({@code pod-name}, checked against {@code pod-uid}).
 * Only tokens of the agents' service account count, so no other pod of the namespace can speak for
 * a node, and an agent can only speak for the node it runs on.
 *
 * <p>A node seen for the first time is registered in the pool whose node labels it carries, as
 * issuing it a node token would. Answers are cached by {@code NodeTokens} until {@code cacheTtl} or
 * the token's expiry, whichever comes first; a pod deleted meanwhile keeps its token valid for at
 * most that long.
 */
final class AgentTokenReview implements NodeIdentityReview {

  static final String NODE_NAME = "authentication.kubernetes.io/node-name";
  static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  static final String POD_UID = "authentication.kubernetes.io/pod-uid";

  private static final Logger log = LoggerFactory.getLogger(AgentTokenReview.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KubernetesClient client;
  private final KubernetesProperties properties;
  private final PoolCatalog pools;
  private final BiConsumer<String, Pool> register;
  private final Clock clock;
  private final KubernetesApi api;

  /**
   * @param register registers a node in a pool, unless it is registered already
   */
  AgentTokenReview(
      KubernetesClient client,
      KubernetesProperties properties,
      PoolCatalog pools,
      BiConsumer<String, Pool> register,
      Clock clock) {
    this.client = client;
    this.properties = properties;
    this.pools = pools;
    this.register = register;
    this.clock = clock;
    this.api = KubernetesApi.of(properties.retry());
  }

  @Override
  public Optional<Reviewed> review(String token) {
    KubernetesProperties.AgentAuthentication settings = properties.agentAuthentication();
    TokenReview request =
        new TokenReviewBuilder()
            .withNewSpec()
            .withToken(token)
            .withAudiences(settings.audience())
            .endSpec()
            .build();
    TokenReview answer =
        api.call(
            "review an agent's token",
            () -> client.authentication().v1().tokenReviews().create(request));
    TokenReviewStatus status = answer == null ? null : answer.getStatus();
    if (status == null
        || !Boolean.TRUE.equals(status.getAuthenticated())
        || status.getUser() == null) {
      return Optional.empty();
    }
    if (status.getAudiences() != null
        && !status.getAudiences().isEmpty()
        && !status.getAudiences().contains(settings.audience())) {
      return Optional.empty();
    }
    UserInfo user = status.getUser();
    String account =
        "system:serviceaccount:" + properties.namespace() + ":" + settings.serviceAccount();
    if (!account.equals(user.getUsername())) {
      log.warn("Refused a token of {} on the agents' endpoint", user.getUsername());
      return Optional.empty();
    }
    Optional<String> node = node(user.getExtra());
    if (node.isEmpty()) {
      return Optional.empty();
    }
    Optional<Pool> pool = poolOf(node.get());
    if (pool.isEmpty()) {
      log.warn("Node {} of an agent carries the node labels of no pool", node.get());
      return Optional.empty();
    }
    register.accept(node.get(), pool.get());
    Instant until = clock.instant().plus(settings.cacheTtl());
    Instant expiry = expiry(token);
    return Optional.of(
        new Reviewed(node.get(), expiry != null && expiry.isBefore(until) ? expiry : until));
  }

  /** The node from the review; on clusters before 1.30, from the pod the token is bound to. */
  private Optional<String> node(Map<String, List<String>> extra) {
    Optional<String> node = first(extra, NODE_NAME);
    if (node.isPresent()) {
      return node;
    }
    Optional<String> podName = first(extra, POD_NAME);
    Optional<String> podUid = first(extra, POD_UID);
    if (podName.isEmpty() || podUid.isEmpty()) {
      return Optional.empty();
    }
    Pod pod =
        api.call(
            "read pod " + podName.get(),
            () -> client.pods().inNamespace(properties.namespace()).withName(podName.get()).get());
    if (pod == null
        || !podUid.get().equals(pod.getMetadata().getUid())
        || pod.getSpec() == null
        || pod.getSpec().getNodeName() == null) {
      return Optional.empty();
    }
    return Optional.of(pod.getSpec().getNodeName());
  }

  private Optional<Pool> poolOf(String name) {
    Node node = api.call("read node " + name, () -> client.nodes().withName(name).get());
    if (node == null) {
      return Optional.empty();
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    return pools.all().stream()
        .filter(p -> !p.nodeLabels().isEmpty())
        .filter(p -> labels.entrySet().containsAll(p.nodeLabels().entrySet()))
        .findFirst();
  }

  private static Optional<String> first(Map<String, List<String>> extra, String key) {
    if (extra == null || extra.get(key) == null || extra.get(key).isEmpty()) {
      return Optional.empty();
    }
    String value = extra.get(key).get(0);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /** The {@code exp} claim of a JWT (already verified by the API server); null if it has none. */
  static Instant expiry(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonNode claims =
          JSON.readTree(
              new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      JsonNode exp = claims.get("exp");
      return exp != null && exp.isNumber() ? Instant.ofEpochSecond(exp.asLong()) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
