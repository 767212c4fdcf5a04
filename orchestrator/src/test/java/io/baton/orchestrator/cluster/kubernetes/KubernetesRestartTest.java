package io.baton.orchestrator.cluster.kubernetes;

import static io.baton.orchestrator.cluster.kubernetes.Fixtures.NAMESPACE;
import static io.baton.orchestrator.cluster.kubernetes.Kubelet.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.RankState;
import io.baton.orchestrator.cluster.RunDecision;
import io.baton.orchestrator.jobs.JobState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An orchestrator that starts again on the kubernetes backend finds a healthy attempt's Job and
 * pods as they are and leaves them alone: its informers' first listing and their resyncs change
 * nothing, the runner's decision over what it observes is to wait, and the attempt's Job and pods
 * are the very ones the previous orchestrator created (same uids), with nothing created, patched or
 * deleted since.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesRestartTest {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void aBackendStartedOverAHealthyAttemptsRunningPodsKeepsThemAndCreatesNothing() throws Exception {
    Kubelet kubelet = new Kubelet(client, NAMESPACE);
    kubelet.node("node-a", Map.of("baton.io/pool", "ascend"));
    kubelet.node("node-b", Map.of("baton.io/pool", "ascend"));
    UUID id = UUID.randomUUID();
    KubernetesBackend before = backend();
    before.start();
    before.launch(launch(id));
    Job job = job(id);
    kubelet.running(kubelet.schedule(job, 0, "node-a"));
    kubelet.running(kubelet.schedule(job, 1, "node-b"));
    List<RankState> running =
        List.of(new RankState(0, "node-a", null), new RankState(1, "node-b", null));
    eventually(() -> assertThat(before.observe(id, 1)).isEqualTo(running));
    before.stop();
    List<String> uids = uids();
    ApiAudit.take(server);

    KubernetesBackend after = backend();
    after.start();
    try {
      eventually(() -> assertThat(after.observe(id, 1)).isEqualTo(running));
      Instant resynced = Instant.now().plusSeconds(1);
      while (Instant.now().isBefore(resynced)) {
        // Several resyncs of the informers (every 100 ms) while the runner keeps observing: the
        // time passing is what is under test (nothing changes), so this holds rather than waits.
        assertThat(after.observe(id, 1)).isEqualTo(running);
        assertThat(
                RunDecision.decide(
                    new RunDecision.Observation(
                        JobState.RUNNING,
                        2,
                        after.observe(id, 1),
                        Set.of(0, 1),
                        List.of(),
                        List.of(),
                        false,
                        false)))
            .isInstanceOf(RunDecision.Wait.class);
        Thread.sleep(100);
      }

      assertThat(ApiAudit.calls(server))
          .as("the restarted backend only reads")
          .allSatisfy(call -> assertThat(call).matches(".*:(list|watch|get)"));
      assertThat(uids()).as("the same Job, Service and pods").isEqualTo(uids);
      assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems()).hasSize(1);
      assertThat(client.pods().inNamespace(NAMESPACE).list().getItems()).hasSize(2);

      after.launch(launch(id));
      assertThat(uids())
          .as("a launch repeated for the attempt (a runner that died before recording it)")
          .isEqualTo(uids);
    } finally {
      after.stop();
    }
    ApiAudit.assertGranted(server);
  }

  private KubernetesBackend backend() {
    return new KubernetesBackend(
        ApiAudit.client(client), Fixtures.properties(Duration.ofMillis(100)), Fixtures.pools());
  }

  private List<String> uids() {
    List<HasMetadata> objects = new java.util.ArrayList<>();
    objects.addAll(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems());
    objects.addAll(client.services().inNamespace(NAMESPACE).list().getItems());
    objects.addAll(client.pods().inNamespace(NAMESPACE).list().getItems());
    return objects.stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getName() + "/" + o.getMetadata().getUid())
        .sorted()
        .toList();
  }

  private Job job(UUID id) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NAMESPACE)
        .withLabel("baton.io/job", id.toString())
        .list()
        .getItems()
        .get(0);
  }

  private static ClusterBackend.Launch launch(UUID id) {
    List<ClusterBackend.RankPlacement> ranks =
        List.of(
            new ClusterBackend.RankPlacement(0, "node-a", IntStream.range(0, 8).boxed().toList()),
            new ClusterBackend.RankPlacement(1, "node-b", IntStream.range(0, 8).boxed().toList()));
    return new ClusterBackend.Launch(
        id,
        1,
        List.of("python", "train.py"),
        Map.of(),
        ranks,
        "/checkpoints/checkpoints/" + id,
        null,
        "ascend",
        "registry.example/trainer:1");
  }
}
