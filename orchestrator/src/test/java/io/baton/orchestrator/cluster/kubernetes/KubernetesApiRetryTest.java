package io.baton.orchestrator.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.cluster.ClusterUnavailableException;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through {@link KubernetesApi} against the mock API server in expectations mode, where a
 * failing answer can be injected; the client's own retries are off, as in the application.
 */
@EnableKubernetesMockClient
class KubernetesApiRetryTest {

  KubernetesMockServer server;
  KubernetesClient mockClient;
  KubernetesClient client;
  KubernetesApi api =
      new KubernetesApi(new ApiRetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40)));

  @BeforeEach
  void noClientRetries() {
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(mockClient.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void aServerErrorIsRetriedWithBackoff() {
    server.expect().get().withPath("/api/v1/nodes/node-a").andReturn(500, "boom").once();
    server.expect().get().withPath("/api/v1/nodes/node-a").andReturn(503, "busy").once();
    server
        .expect()
        .get()
        .withPath("/api/v1/nodes/node-a")
        .andReturn(
            200, new NodeBuilder().withNewMetadata().withName("node-a").endMetadata().build())
        .once();

    var node = api.call("read node", () -> client.nodes().withName("node-a").get());

    assertThat(node.getMetadata().getName()).isEqualTo("node-a");
  }

  @Test
  void aServerThatKeepsFailingIsUnavailableNotAFailure() {
    server.expect().get().withPath("/api/v1/nodes/node-a").andReturn(500, "boom").always();

    assertThatThrownBy(() -> api.call("read node", () -> client.nodes().withName("node-a").get()))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("after 4 calls");
  }

  @Test
  void aClientErrorIsNotRetried() {
    server.expect().get().withPath("/api/v1/nodes/node-a").andReturn(403, "no").once();
    server.expect().get().withPath("/api/v1/nodes/node-a").andReturn(200, "{}").once();

    assertThatThrownBy(() -> api.call("read node", () -> client.nodes().withName("node-a").get()))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void observeIsUnknownWhileTheApiServerFails() {
    server
        .expect()
        .get()
        .withPath(
            "/apis/batch/v1/namespaces/baton/jobs?labelSelector=baton.io%2Fjob&resourceVersion=0")
        .andReturn(500, "boom")
        .always();
    KubernetesBackend backend =
        new KubernetesBackend(client, Fixtures.properties(), Fixtures.pools());
    backend.start();
    try {
      assertThatThrownBy(() -> backend.observe(UUID.randomUUID(), 1))
          .isInstanceOf(ClusterUnavailableException.class);
    } finally {
      backend.stop();
    }
  }

  @Test
  void thePolicyRetriesConflictsAtOnceAndBacksOffOnOutages() {
    ApiRetryPolicy policy = new ApiRetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300));

    assertThat(ApiRetryPolicy.Failure.of(409)).isEqualTo(ApiRetryPolicy.Failure.CONFLICT);
    assertThat(ApiRetryPolicy.Failure.of(0)).isEqualTo(ApiRetryPolicy.Failure.TRANSIENT);
    assertThat(ApiRetryPolicy.Failure.of(429)).isEqualTo(ApiRetryPolicy.Failure.TRANSIENT);
    assertThat(ApiRetryPolicy.Failure.of(504)).isEqualTo(ApiRetryPolicy.Failure.TRANSIENT);
    assertThat(ApiRetryPolicy.Failure.of(404)).isEqualTo(ApiRetryPolicy.Failure.PERMANENT);
    assertThat(policy.next(1, ApiRetryPolicy.Failure.CONFLICT)).contains(Duration.ZERO);
    assertThat(policy.next(1, ApiRetryPolicy.Failure.TRANSIENT)).contains(Duration.ofMillis(100));
    assertThat(policy.next(2, ApiRetryPolicy.Failure.TRANSIENT)).contains(Duration.ofMillis(200));
    assertThat(policy.next(3, ApiRetryPolicy.Failure.TRANSIENT)).contains(Duration.ofMillis(300));
    assertThat(policy.next(5, ApiRetryPolicy.Failure.TRANSIENT)).isEqualTo(Optional.empty());
    assertThat(policy.next(1, ApiRetryPolicy.Failure.PERMANENT)).isEmpty();
  }
}
