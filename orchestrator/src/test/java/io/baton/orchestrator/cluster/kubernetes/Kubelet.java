package io.baton.orchestrator.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the parts of the Job and ReplicaSet controllers and of the kubelet against the mock API
 * server: creates pods from templates and moves their status as a kubelet reports it.
 */
final class Kubelet {

  private static final AtomicInteger SEQ = new AtomicInteger();

  private final KubernetesClient client;
  private final String namespace;

  Kubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  Node node(String name, Map<String, String> labels) {
    return client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build())
        .create();
  }

  /** The Job controller creates the pod of an index; the scheduler binds it to {@code node}. */
  Pod schedule(io.fabric8.kubernetes.api.model.batch.v1.Job job, int index, String node) {
    Map<String, String> annotations = new HashMap<>();
    annotations.put(Names.COMPLETION_INDEX, Integer.toString(index));
    return create(
        job.getSpec().getTemplate(),
        job.getMetadata().getName() + "-" + index + "-" + suffix(),
        annotations,
        node);
  }

  /** The ReplicaSet controller creates a pod of the Deployment on {@code node}. */
  Pod schedule(io.fabric8.kubernetes.api.model.apps.Deployment deployment, String node) {
    return create(
        deployment.getSpec().getTemplate(),
        deployment.getMetadata().getName() + "-" + suffix(),
        new HashMap<>(),
        node);
  }

  private Pod create(
      PodTemplateSpec template, String name, Map<String, String> annotations, String node) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(template.getMetadata().getLabels())
            .withAnnotations(annotations)
            .withCreationTimestamp(Instant.now().plusMillis(SEQ.incrementAndGet()).toString())
            .endMetadata()
            .withSpec(template.getSpec())
            .editSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    return client.pods().inNamespace(namespace).resource(pod).create();
  }

  Pod running(Pod pod) {
    return status(
        pod,
        "Running",
        new ContainerStateBuilder().withNewRunning().withStartedAt(now()).endRunning().build(),
        null);
  }

  Pod ready(Pod pod, String ip) {
    Pod current = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
    current.getStatus().setPodIP(ip);
    current
        .getStatus()
        .setConditions(
            java.util.List.of(
                new PodConditionBuilder().withType("Ready").withStatus("True").build()));
    return client.pods().inNamespace(namespace).resource(current).updateStatus();
  }

  Pod exited(Pod pod, int exitCode, String reason, String message) {
    return status(
        pod,
        exitCode == 0 ? "Succeeded" : "Failed",
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(reason)
            .withMessage(message)
            .withFinishedAt(now())
            .endTerminated()
            .build(),
        null);
  }

  Pod waiting(Pod pod, String reason, String message) {
    return status(
        pod,
        "Pending",
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .build(),
        null);
  }

  /** The server keeps exiting; the kubelet waits before starting it again. */
  Pod crashLooping(Pod pod, int exitCode) {
    return status(
        pod,
        "Running",
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .withMessage("back-off 40s restarting failed container")
            .endWaiting()
            .build(),
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason("Error")
            .endTerminated()
            .build());
  }

  Pod evicted(Pod pod) {
    Pod current = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
    current.getStatus().setPhase("Failed");
    current.getStatus().setReason("Evicted");
    current.getStatus().setMessage("The node was low on resource: memory.");
    return client.pods().inNamespace(namespace).resource(current).updateStatus();
  }

  private Pod status(
      Pod pod,
      String phase,
      io.fabric8.kubernetes.api.model.ContainerState state,
      io.fabric8.kubernetes.api.model.ContainerState last) {
    Pod current = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
    current.getStatus().setPhase(phase);
    current
        .getStatus()
        .setContainerStatuses(
            java.util.List.of(
                new ContainerStatusBuilder()
                    .withName(current.getSpec().getContainers().get(0).getName())
                    .withImage(current.getSpec().getContainers().get(0).getImage())
                    .withState(state)
                    .withLastState(last)
                    .withReady("Running".equals(phase))
                    .build()));
    return client.pods().inNamespace(namespace).resource(current).updateStatus();
  }

  private static String now() {
    return Instant.now().toString();
  }

  private static String suffix() {
    return Integer.toString(SEQ.incrementAndGet(), 36) + "x";
  }

  /** Retries the assertion until it passes or {@code timeout} is over. */
  static void eventually(Runnable assertion) {
    eventually(Duration.ofSeconds(10), assertion);
  }

  static void eventually(Duration timeout, Runnable assertion) {
    org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .untilAsserted(assertion::run);
  }
}
