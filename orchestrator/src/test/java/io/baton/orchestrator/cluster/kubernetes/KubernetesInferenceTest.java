package io.baton.orchestrator.cluster.kubernetes;

import static io.baton.orchestrator.cluster.kubernetes.Fixtures.NAMESPACE;
import static io.baton.orchestrator.cluster.kubernetes.Kubelet.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.cluster.InferenceBackend.ReplicaState;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Endpoint revisions as Deployments on the CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesInferenceTest {

  KubernetesClient client;
  KubernetesMockServer server;
  KubernetesInference inference;
  Kubelet kubelet;

  @BeforeEach
  void start() {
    kubelet = new Kubelet(client, NAMESPACE);
    kubelet.node("gpu-a", Map.of("baton.io/pool", "nvidia"));
    kubelet.node("gpu-b", Map.of("baton.io/pool", "nvidia"));
    inference =
        new KubernetesInference(ApiAudit.client(client), Fixtures.properties(), Fixtures.pools());
    inference.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    inference.stop();
    ApiAudit.assertGranted(server);
  }

  @Test
  void aRevisionIsACanaryDeploymentAndAMainOneBehindOneService() {
    inference.ensureReplica(replica(1, 0, "gpu-a", 0));
    inference.ensureReplica(replica(1, 1, "gpu-a", 1));
    inference.ensureReplica(replica(1, 2, "gpu-b", 0));
    inference.ensureReplica(replica(1, 2, "gpu-b", 0));

    Deployment canary = deployment("chat-r1-canary");
    assertThat(canary.getSpec().getReplicas()).isEqualTo(1);
    Container server = canary.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(server.getResources().getRequests())
        .isEqualTo(server.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(server.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8000);
    assertThat(server.getCommand()).contains("$(BATON_MODEL)");
    assertThat(server.getEnv())
        .contains(
            new EnvVar("BATON_MODEL", "/checkpoints/conversions/p/model.safetensors", null),
            new EnvVar("PORT", "8000", null),
            new EnvVar("BATON_REPLICA", "0", null));
    assertThat(canary.getSpec().getTemplate().getSpec().getTolerations())
        .extracting(t -> t.getKey())
        .containsExactly("nvidia.com/gpu");
    assertThat(
            canary
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .get(0)
                .getMatchExpressions())
        .extracting(r -> r.getKey() + "=" + r.getValues())
        .containsExactly("baton.io/pool=[nvidia]");

    Deployment main = deployment("chat-r1");
    assertThat(main.getSpec().getReplicas()).isEqualTo(2);
    assertThat(main.getMetadata().getAnnotations())
        .containsEntry(Names.CHIPS, "1=gpu-a/1;2=gpu-b/0");

    Service service = client.services().inNamespace(NAMESPACE).withName("chat-r1").get();
    assertThat(service.getSpec().getSelector())
        .containsEntry("baton.io/endpoint", "chat")
        .containsEntry("baton.io/revision", "1");
    assertThat(service.getMetadata().getOwnerReferences())
        .extracting(o -> o.getName() + "/" + o.getUid())
        .containsExactlyInAnyOrder(
            "chat-r1-canary/" + canary.getMetadata().getUid(),
            "chat-r1/" + main.getMetadata().getUid());
  }

  @Test
  void replicasComeFromThePodsAndARollbackScalesTheNewRevisionAway() {
    serve(1, 3);
    eventually(
        () ->
            assertThat(inference.replicas("chat"))
                .extracting(r -> r.revision() + "/" + r.index() + " " + r.ready() + " " + r.url())
                .containsExactly(
                    "1/0 true http://10.0.1.0:8000",
                    "1/1 true http://10.0.1.1:8000",
                    "1/2 true http://10.0.1.2:8000"));

    inference.ensureReplica(replica(2, 0, "gpu-b", 1));
    Pod canary = kubelet.running(kubelet.schedule(deployment("chat-r2-canary"), "gpu-b"));
    kubelet.ready(canary, "10.0.2.0");
    eventually(
        () ->
            assertThat(inference.replicas("chat"))
                .filteredOn(r -> r.revision() == 2)
                .singleElement()
                .satisfies(
                    r -> {
                      assertThat(r.index()).isZero();
                      assertThat(r.ready()).isTrue();
                      assertThat(r.node()).isEqualTo("gpu-b");
                      assertThat(r.chips()).containsExactly(1);
                    }));

    inference.ensureReplica(replica(2, 1, "gpu-b", 2));
    inference.ensureReplica(replica(2, 2, "gpu-b", 3));
    assertThat(deployment("chat-r2").getSpec().getReplicas()).isEqualTo(2);
    eventually(
        () ->
            assertThat(inference.replicas("chat"))
                .filteredOn(r -> r.revision() == 2)
                .extracting(ReplicaState::index, ReplicaState::ready)
                .containsExactly(
                    org.assertj.core.groups.Tuple.tuple(0, true),
                    org.assertj.core.groups.Tuple.tuple(1, false),
                    org.assertj.core.groups.Tuple.tuple(2, false)));

    for (ReplicaState r : inference.replicas("chat")) {
      if (r.revision() == 2) {
        inference.stopReplica("chat", r.revision(), r.index());
      }
    }

    assertThat(deployment("chat-r2-canary")).isNull();
    assertThat(deployment("chat-r2")).isNull();
    assertThat(client.services().inNamespace(NAMESPACE).withName("chat-r2").get()).isNull();
    assertThat(deployment("chat-r1").getSpec().getReplicas()).isEqualTo(2);
    eventually(
        () ->
            assertThat(inference.replicas("chat"))
                .extracting(r -> r.revision() + "/" + r.index())
                .containsExactly("1/0", "1/1", "1/2"));
  }

  @Test
  void stoppingTheHighestReplicaScalesTheMainDeploymentDown() {
    serve(1, 3);

    inference.stopReplica("chat", 1, 2);

    assertThat(deployment("chat-r1").getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment("chat-r1").getMetadata().getAnnotations())
        .containsEntry(Names.CHIPS, "1=gpu-a/1");
    assertThat(client.services().inNamespace(NAMESPACE).withName("chat-r1").get()).isNotNull();
  }

  @Test
  void aCrashLoopingReplicaReportsItsLastExitCode() {
    inference.ensureReplica(replica(1, 0, "gpu-a", 0));
    kubelet.crashLooping(kubelet.schedule(deployment("chat-r1-canary"), "gpu-a"), 3);

    eventually(
        () ->
            assertThat(inference.replicas("chat"))
                .singleElement()
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(3)));
  }

  @Test
  void aConversionRunsAsAJobOnTheInferencePool() {
    UUID promotion = UUID.randomUUID();
    UUID job = UUID.randomUUID();
    CompletableFuture<Job> converter =
        CompletableFuture.supplyAsync(
            () -> {
              Job[] found = new Job[1];
              eventually(
                  () -> {
                    List<Job> jobs =
                        client
                            .batch()
                            .v1()
                            .jobs()
                            .inNamespace(NAMESPACE)
                            .withLabel(Names.COMPONENT, "convert")
                            .list()
                            .getItems();
                    assertThat(jobs).isNotEmpty();
                    found[0] = jobs.get(0);
                  });
              kubelet.exited(kubelet.schedule(found[0], 0, "gpu-a"), 0, "Completed", "converted");
              return found[0];
            });

    InferenceBackend.Conversion conversion =
        inference.convert(
            new InferenceBackend.ConversionRequest(
                promotion,
                "nvidia",
                List.of("python", "convert.py", "$(BATON_CONVERT_INPUT)"),
                "/checkpoints/checkpoints/" + job + "/step-100/model.ckpt",
                "safetensors",
                Map.of(),
                Duration.ofSeconds(10)));

    assertThat(conversion.exitCode()).isZero();
    assertThat(conversion.output())
        .isEqualTo("/checkpoints/conversions/" + promotion + "/model.safetensors");
    assertThat(conversion.log()).isEqualTo("converted");
    Container container = converter.join().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(container.getCommand()).endsWith("python", "convert.py", "$(BATON_CONVERT_INPUT)");
    assertThat(container.getVolumeMounts())
        .as("the converter reads its checkpoint's job directory and writes its own, nothing else")
        .extracting(m -> m.getSubPath() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly(
            "checkpoints/" + job + ":/checkpoints/checkpoints/" + job + ":true",
            "conversions/" + promotion + ":/checkpoints/conversions/" + promotion + ":null");
    Restricted.assertRestricted(converter.join().getSpec().getTemplate().getSpec(), true);
    Restricted.assertNoVolumeRoot(converter.join().getSpec().getTemplate().getSpec());
  }

  @Test
  void replicasAndCanariesMeetTheRestrictedProfileAndMountOnlyTheirModelsDirectory() {
    inference.ensureReplica(replica(1, 0, "gpu-a", 0));
    inference.ensureReplica(replica(1, 1, "gpu-a", 1));

    for (String name : List.of("chat-r1-canary", "chat-r1")) {
      var pod = deployment(name).getSpec().getTemplate().getSpec();
      Restricted.assertRestricted(pod, true);
      Restricted.assertNoVolumeRoot(pod);
      assertThat(pod.getContainers().get(0).getVolumeMounts())
          .extracting(m -> m.getSubPath() + ":" + m.getReadOnly())
          .containsExactly("conversions/p:true");
    }
  }

  @Test
  void aReplicaOfAModelOutsideTheVolumeMountsNothing() {
    inference.ensureReplica(
        new InferenceBackend.Replica(
            "ext", 1, 0, "nvidia", "gpu-a", List.of(0), List.of("serve"), "s3://models/m.bin"));

    var pod = deployment("ext-r1-canary").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).isEmpty();
    assertThat(pod.getContainers().get(0).getVolumeMounts()).isEmpty();
  }

  /** Revision {@code revision} with {@code count} ready replicas. */
  private void serve(int revision, int count) {
    for (int i = 0; i < count; i++) {
      inference.ensureReplica(replica(revision, i, i < 2 ? "gpu-a" : "gpu-b", i));
    }
    Pod canary =
        kubelet.running(kubelet.schedule(deployment("chat-r" + revision + "-canary"), "gpu-a"));
    kubelet.ready(canary, "10.0." + revision + ".0");
    for (int i = 1; i < count; i++) {
      Pod pod =
          kubelet.running(
              kubelet.schedule(deployment("chat-r" + revision), i < 2 ? "gpu-a" : "gpu-b"));
      kubelet.ready(pod, "10.0." + revision + "." + i);
    }
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private static InferenceBackend.Replica replica(int revision, int index, String node, int chip) {
    return new InferenceBackend.Replica(
        "chat",
        revision,
        index,
        "nvidia",
        node,
        List.of(chip),
        List.of("python", "-m", "server", "--model", "$(BATON_MODEL)", "--port", "$(PORT)"),
        "/checkpoints/conversions/p/model.safetensors");
  }
}
