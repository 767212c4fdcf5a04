package io.baton.orchestrator.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a cluster does besides the API server, for the end-to-end test of serving: the Job and
 * ReplicaSet controllers, the garbage collector and the kubelet, one {@link #round()} at a time.
 * Checkpoint files are on a local directory standing for the volume; a serving pod gets the address
 * of a real server loading the model it names ({@code podIps}: model file → address).
 */
final class Controllers {

  private final KubernetesClient client;
  private final Kubelet kubelet;
  private final Map<String, String> podIps;

  Controllers(KubernetesClient client, Kubelet kubelet, Map<String, String> podIps) {
    this.client = client;
    this.kubelet = kubelet;
    this.podIps = podIps;
  }

  /**
   * One round of the Job and ReplicaSet controllers, the garbage collector and the kubelet: helper
   * Jobs run to completion with their answer (a file's sha256 and size, read from the volume);
   * Deployments get their pods, Ready at the address of the server loading their model; the pods of
   * deleted or scaled-down Deployments go.
   */
  void round() {
    try {
      for (Job helper :
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(Fixtures.NAMESPACE)
              .withLabel(FileJobs.HELPER)
              .list()
              .getItems()) {
        String name = helper.getMetadata().getName();
        if (client
            .pods()
            .inNamespace(Fixtures.NAMESPACE)
            .withLabel(FileJobs.HELPER, name)
            .list()
            .getItems()
            .isEmpty()) {
          Pod pod = kubelet.schedule(helper, 0, "nvidia-0");
          kubelet.exited(pod, 0, "Completed", helperAnswer(helper));
        }
      }
      Set<String> deployments = new HashSet<>();
      for (Deployment d :
          client.apps().deployments().inNamespace(Fixtures.NAMESPACE).list().getItems()) {
        String name = d.getMetadata().getName();
        deployments.add(name);
        List<Pod> pods =
            new ArrayList<>(
                client
                    .pods()
                    .inNamespace(Fixtures.NAMESPACE)
                    .withLabel(Names.DEPLOYMENT, name)
                    .list()
                    .getItems());
        int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        for (int i = pods.size(); i < wanted; i++) {
          Pod pod = kubelet.running(kubelet.schedule(d, "nvidia-" + (i % 2)));
          kubelet.ready(pod, podIps.getOrDefault(model(d), "127.0.0.9"));
        }
        pods.sort(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()));
        for (int i = wanted; i < pods.size(); i++) {
          client
              .pods()
              .inNamespace(Fixtures.NAMESPACE)
              .withName(pods.get(i).getMetadata().getName())
              .delete();
        }
      }
      for (Pod pod :
          client
              .pods()
              .inNamespace(Fixtures.NAMESPACE)
              .withLabel(Names.DEPLOYMENT)
              .list()
              .getItems()) {
        if (!deployments.contains(pod.getMetadata().getLabels().get(Names.DEPLOYMENT))) {
          client.pods().inNamespace(Fixtures.NAMESPACE).resource(pod).delete();
        }
      }
    } catch (RuntimeException e) {
      // Raced with the orchestrator (an object went meanwhile): the next round sees it.
    }
  }

  private static String helperAnswer(Job helper) {
    Map<String, String> env = new HashMap<>();
    helper
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));
    if (!"digest".equals(helper.getMetadata().getLabels().get(Names.COMPONENT))) {
      return "deleted";
    }
    Path file = Path.of(env.get("BATON_FILE"));
    try {
      byte[] bytes = Files.readAllBytes(file);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          + " "
          + bytes.length;
    } catch (IOException e) {
      return "missing";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String model(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("BATON_MODEL"))
        .map(e -> e.getValue())
        .findFirst()
        .orElse("");
  }
}
