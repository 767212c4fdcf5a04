package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.pools.Pool;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The desired objects of an endpoint revision on an INFERENCE pool, as plain builders. The port
 * counts replicas by index; Kubernetes scales Deployments. So replica 0, the canary a rollout
 * starts and checks first, is its own Deployment {@code <endpoint>-r<revision>-canary} of one pod,
 * and replicas 1.. are the pods of {@code <endpoint>-r<revision>}, scaled to the highest index
 * asked for (a rollout to N replicas: canary + main at N - 1). One Service {@code
 * <endpoint>-r<revision>} selects both and is owned by both, so it goes with the last of them. A
 * replica mounts, read-only, only the directory of the checkpoint volume that holds its model, and
 * runs under {@link PodSecurity}.
 */
final class ServingManifests {

  static final String CONTAINER = "server";
  static final String CANARY = "canary";
  static final String MAIN = "main";
  static final String ROLE = "baton.io/role";

  private ServingManifests() {}

  static Map<String, String> labels(String endpoint, int revision) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Names.MANAGED_BY, "baton");
    labels.put(Names.COMPONENT, "replica");
    labels.put(Names.ENDPOINT, Names.label(endpoint, 0));
    labels.put(Names.REVISION, Integer.toString(revision));
    return labels;
  }

  static String name(String endpoint, int revision, int index) {
    return index == 0 ? Names.canary(endpoint, revision) : Names.revision(endpoint, revision);
  }

  /**
   * @param replicas the pod count: 1 for the canary, the highest index for the main one
   * @param chips {@code index=node/chip,chip;...}: the chips the orchestrator booked per replica
   */
  static Deployment deployment(
      InferenceBackend.Replica replica,
      int replicas,
      String chips,
      Pool pool,
      KubernetesProperties p) {
    String name = name(replica.endpoint(), replica.revision(), replica.index());
    String role = replica.index() == 0 ? CANARY : MAIN;
    Map<String, String> labels = labels(replica.endpoint(), replica.revision());
    labels.put(ROLE, role);
    labels.put(Names.DEPLOYMENT, name);
    Map<String, Quantity> resources =
        Map.of(
            pool.resourceName(),
            new Quantity(Integer.toString(Math.max(1, replica.chips().size()))));
    var spec =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(p.namespace())
            .withLabels(labels)
            .addToAnnotations(Names.CHIPS, chips)
            .addToAnnotations(Names.ENDPOINT, replica.endpoint())
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector()
            .withMatchLabels(Map.of(Names.DEPLOYMENT, name))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withAutomountServiceAccountToken(false)
            .withSecurityContext(PodSecurity.pod(pool, p))
            .withNewAffinity()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .withMatchExpressions(TrainingManifests.nodeRequirements(List.of(), pool))
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(50)
            .withNewPreference()
            .withMatchExpressions(
                TrainingManifests.nodeRequirements(List.of(replica.node()), pool).get(0))
            .endPreference()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .endAffinity()
            .withTolerations(TrainingManifests.tolerations(pool))
            .addNewContainer()
            .withName(CONTAINER)
            .withImage(p.servingImage())
            .withCommand(replica.command())
            .withEnv(env(replica, p))
            .withNewResources()
            .withRequests(resources)
            .withLimits(resources)
            .endResources()
            .addNewPort()
            .withName("http")
            .withContainerPort(p.servingPort())
            .endPort()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/healthz")
            .withNewPort(p.servingPort())
            .endHttpGet()
            .withPeriodSeconds(2)
            .withFailureThreshold(3)
            .endReadinessProbe()
            .withVolumeMounts(mounts(replica, p))
            .withSecurityContext(PodSecurity.container(pool))
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .endContainer()
            .withVolumes(mounts(replica, p).isEmpty() ? List.of() : List.of(Volumes.checkpoints(p)))
            .endSpec()
            .endTemplate()
            .endSpec();
    return spec.build();
  }

  /**
   * The directory of the checkpoint volume holding the model (its job's or its conversion's),
   * read-only; nothing when the model is not on the volume.
   */
  static List<VolumeMount> mounts(InferenceBackend.Replica replica, KubernetesProperties p) {
    return Volumes.onVolume(p, replica.artifact())
        ? List.of(Volumes.checkpointsHolding(p, replica.artifact(), true))
        : List.of();
  }

  private static List<EnvVar> env(InferenceBackend.Replica replica, KubernetesProperties p) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("BATON_ENDPOINT", replica.endpoint(), null));
    env.add(new EnvVar("BATON_REVISION", Integer.toString(replica.revision()), null));
    env.add(
        replica.index() == 0
            ? new EnvVar("BATON_REPLICA", "0", null)
            : new EnvVarBuilder()
                .withName("BATON_REPLICA")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .build());
    env.add(new EnvVar("BATON_MODEL", replica.artifact(), null));
    env.add(new EnvVar("PORT", Integer.toString(p.servingPort()), null));
    return env;
  }

  static Service service(
      String endpoint, int revision, List<OwnerReference> owners, KubernetesProperties p) {
    Map<String, String> selector = new LinkedHashMap<>(labels(endpoint, revision));
    selector.remove(Names.MANAGED_BY);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.revision(endpoint, revision))
        .withNamespace(p.namespace())
        .withLabels(labels(endpoint, revision))
        .withOwnerReferences(owners)
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withNewTargetPort(p.servingPort())
        .endPort()
        .endSpec()
        .build();
  }

  /** {@code 1=node-a/3;2=node-b/0,1}: the booked chips per replica index, and back. */
  static String chips(Map<Integer, Booking> bookings) {
    return bookings.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(
            e ->
                e.getKey()
                    + "="
                    + e.getValue().node()
                    + "/"
                    + e.getValue().chips().stream()
                        .map(String::valueOf)
                        .collect(Collectors.joining(",")))
        .collect(Collectors.joining(";"));
  }

  /** A booking: which node and chips the orchestrator counted for a replica. */
  record Booking(String node, List<Integer> chips) {}

  static Map<Integer, Booking> bookings(String annotation) {
    Map<Integer, Booking> bookings = new LinkedHashMap<>();
    if (annotation == null || annotation.isBlank()) {
      return bookings;
    }
    for (String entry : annotation.split(";")) {
      String[] indexAndRest = entry.split("=", 2);
      String[] nodeAndChips = indexAndRest[1].split("/", 2);
      List<Integer> chips =
          nodeAndChips.length < 2 || nodeAndChips[1].isEmpty()
              ? List.of()
              : java.util.Arrays.stream(nodeAndChips[1].split(",")).map(Integer::valueOf).toList();
      bookings.put(Integer.valueOf(indexAndRest[0]), new Booking(nodeAndChips[0], chips));
    }
    return bookings;
  }
}
