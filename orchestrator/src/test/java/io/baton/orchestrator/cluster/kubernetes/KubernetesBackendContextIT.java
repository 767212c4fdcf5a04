package io.baton.orchestrator.cluster.kubernetes;

import static io.baton.orchestrator.cluster.kubernetes.Kubelet.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.cluster.local.LocalBackend;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole orchestrator with {@code baton.cluster.backend=kubernetes}, its client pointed at the
 * CRUD mock API server: the Kubernetes beans replace the local ones and reach the API server.
 */
@SpringBootTest(
    properties = {
      "spring.main.banner-mode=off",
      "baton.cluster.backend=kubernetes",
      "baton.cluster.kubernetes.namespace=baton",
      "baton.scheduler.automatic=false",
      "baton.recovery.automatic=false"
    })
class KubernetesBackendContextIT {

  private static final KubernetesMockServer SERVER =
      new KubernetesMockServer(
          new Context(),
          new MockWebServer(),
          new HashMap<>(),
          new KubernetesCrudDispatcher(),
          false);
  private static KubernetesClient mock;

  @BeforeAll
  static void server() {
    if (mock == null) {
      SERVER.init();
      mock = SERVER.createClient();
    }
  }

  @DynamicPropertySource
  static void cluster(DynamicPropertyRegistry registry) throws IOException {
    String dataDir = Files.createTempDirectory("baton-k8s-it-").toString();
    registry.add("baton.data-dir", () -> dataDir);
    registry.add(
        "baton.cluster.kubernetes.master-url",
        () -> {
          server();
          return mock.getConfiguration().getMasterUrl();
        });
  }

  @Autowired ApplicationContext context;
  @Autowired ClusterBackend backend;
  @Autowired InferenceBackend inference;
  @Autowired KubernetesClient client;
  @Autowired io.baton.orchestrator.leadership.Leadership leadership;

  @Test
  void theKubernetesBackendReplacesTheLocalOne() {
    assertThat(backend).isInstanceOf(KubernetesBackend.class);
    assertThat(inference).isInstanceOf(KubernetesInference.class);
    assertThat(context.getBeansOfType(NodeFencer.class)).hasSize(1);
    assertThat(context.getBeansOfType(LocalBackend.class)).isEmpty();
    assertThat(client.getConfiguration().getMasterUrl())
        .isEqualTo(mock.getConfiguration().getMasterUrl());
  }

  @Test
  void leadershipIsAKubernetesLeaseThisLoneReplicaHolds() {
    assertThat(leadership.getClass().getSimpleName()).isEqualTo("KubernetesLease");
    eventually(Duration.ofSeconds(20), () -> assertThat(leadership.isLeader()).isTrue());
    assertThat(
            mock.leases()
                .inNamespace("baton")
                .withName("baton-orchestrator")
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo(leadership.replica());
  }

  @Test
  void aLaunchReachesTheApiServer() {
    UUID id = UUID.randomUUID();
    backend.launch(
        new ClusterBackend.Launch(
            id,
            1,
            List.of("python", "train.py"),
            Map.of(),
            List.of(new ClusterBackend.RankPlacement(0, "node-a", List.of(0, 1))),
            backend.checkpointDir(id, null),
            null));

    assertThat(mock.batch().v1().jobs().inNamespace("baton").withName("baton-" + id + "-a1").get())
        .isNotNull();
    eventually(() -> assertThat(backend.observe(id, 1)).hasSize(1));
  }
}
