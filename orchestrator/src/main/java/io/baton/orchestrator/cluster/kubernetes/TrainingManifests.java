package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.LaunchContract;
import io.baton.orchestrator.pools.Pool;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The desired objects of a training attempt, as plain builders (no I/O): one Indexed {@code
 * batch/v1} Job whose completion index is the rank, and a headless Service that gives rank 0 the
 * stable name {@code <job>-0.<service>} for rendezvous.
 *
 * <p>A Job's pod template is the same for every index, so it cannot pin rank {@code i} to node
 * {@code i}. The template requires instead the SET of placed nodes (node affinity on {@code
 * kubernetes.io/hostname} and the pool's labels) and at most one rank per node (required pod
 * anti-affinity on the host name): the ranks land exactly on the placed nodes, one each, and every
 * rank learns its rank from its completion index ({@code $(JOB_COMPLETION_INDEX)} in its
 * environment) and its node from the downward API. Which index lands on which of the placed nodes
 * is the Kubernetes scheduler's choice; the chips are reserved on all of them, and {@code observe}
 * reports the node each rank really runs on.
 *
 * <p>A rank mounts only its job's slices of the shared volumes ({@link Volumes}) and runs under
 * {@link PodSecurity}. Environment values the spec marks secret are not in the pod spec: they are
 * in a Secret of the attempt ({@link #secret}) that the ranks read through {@code secretKeyRef}.
 * Such a Job is created suspended, so that no pod starts before its Secret, owned by the Job,
 * exists; the backend resumes it then.
 */
final class TrainingManifests {

  static final String CONTAINER = "rank";
  static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

  private TrainingManifests() {}

  static Map<String, String> labels(ClusterBackend.Launch launch) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Names.MANAGED_BY, "baton");
    labels.put(Names.COMPONENT, "rank");
    labels.put(Names.JOB, launch.jobId().toString());
    labels.put(Names.ATTEMPT, Integer.toString(launch.attempt()));
    labels.put(Names.ATTEMPT_NAME, Names.attempt(launch.jobId(), launch.attempt()));
    return labels;
  }

  static Job job(ClusterBackend.Launch launch, Pool pool, KubernetesProperties properties) {
    String name = Names.attempt(launch.jobId(), launch.attempt());
    int ranks = launch.ranks().size();
    int chips = launch.ranks().isEmpty() ? 0 : launch.ranks().get(0).chips().size();
    List<String> nodes = launch.ranks().stream().map(ClusterBackend.RankPlacement::node).toList();
    Map<String, Quantity> resources =
        Map.of(pool.resourceName(), new Quantity(Integer.toString(chips)));
    String image = launch.image() == null ? properties.image() : launch.image();
    List<String> secret = secretNames(launch);
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(properties.namespace())
        .withLabels(labels(launch))
        .addToAnnotations(Names.PLACEMENT, String.join(",", nodes))
        .endMetadata()
        .withNewSpec()
        .withCompletionMode("Indexed")
        .withCompletions(ranks)
        .withParallelism(ranks)
        .withBackoffLimit(0)
        .withSuspend(secret.isEmpty() ? null : Boolean.TRUE)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(launch))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withSubdomain(name)
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(PodSecurity.pod(pool, properties))
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .withMatchExpressions(nodeRequirements(nodes, pool))
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .withNewPodAntiAffinity()
        .addNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withTopologyKey(Names.HOSTNAME)
        .withNewLabelSelector()
        .withMatchExpressions(
            new LabelSelectorRequirementBuilder()
                .withKey(Names.ATTEMPT_NAME)
                .withOperator("In")
                .withValues(name)
                .build())
        .endLabelSelector()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .endAffinity()
        .withTolerations(tolerations(pool))
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image)
        .withCommand(launch.command())
        .withEnv(env(launch, name, properties))
        .withNewResources()
        .withRequests(resources)
        .withLimits(resources)
        .endResources()
        .withVolumeMounts(mounts(launch, properties))
        .withSecurityContext(PodSecurity.container(pool))
        .addNewPort()
        .withName("rendezvous")
        .withContainerPort(properties.masterPort())
        .endPort()
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .endContainer()
        .withVolumes(Volumes.checkpoints(properties), Volumes.progress(properties))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Headless, publishing ranks before they are ready: rank 0 must resolve while all start. */
  static Service service(ClusterBackend.Launch launch, Job owner, KubernetesProperties properties) {
    String name = Names.attempt(launch.jobId(), launch.attempt());
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(properties.namespace())
        .withLabels(labels(launch))
        .withOwnerReferences(ownerReference(owner))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Map.of(Names.ATTEMPT_NAME, name))
        .addNewPort()
        .withName("rendezvous")
        .withPort(properties.masterPort())
        .withNewTargetPort(properties.masterPort())
        .endPort()
        .endSpec()
        .build();
  }

  /** The names of the secret environment entries the launch really sets, sorted. */
  static List<String> secretNames(ClusterBackend.Launch launch) {
    return launch.secretEnv().stream().filter(launch.env()::containsKey).sorted().toList();
  }

  /**
   * The attempt's secret environment, owned by its Job (so it goes with it), named after it.
   * Immutable: an attempt's environment never changes.
   */
  static Secret secret(ClusterBackend.Launch launch, Job owner, KubernetesProperties properties) {
    Map<String, String> data = new TreeMap<>();
    for (String key : secretNames(launch)) {
      data.put(
          key,
          Base64.getEncoder()
              .encodeToString(launch.env().get(key).getBytes(StandardCharsets.UTF_8)));
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withName(Names.secret(launch.jobId(), launch.attempt()))
        .withNamespace(properties.namespace())
        .withLabels(labels(launch))
        .withOwnerReferences(ownerReference(owner))
        .endMetadata()
        .withType("Opaque")
        .withImmutable(true)
        .withData(data)
        .build();
  }

  /** The owner is deleted, so is this (the garbage collector's background or foreground). */
  static OwnerReference ownerReference(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  static List<NodeSelectorRequirement> nodeRequirements(List<String> nodes, Pool pool) {
    List<NodeSelectorRequirement> requirements = new ArrayList<>();
    if (!nodes.isEmpty()) {
      requirements.add(
          new NodeSelectorRequirementBuilder()
              .withKey(Names.HOSTNAME)
              .withOperator("In")
              .withValues(nodes.stream().distinct().sorted().toList())
              .build());
    }
    pool.nodeLabels().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            label ->
                requirements.add(
                    new NodeSelectorRequirementBuilder()
                        .withKey(label.getKey())
                        .withOperator("In")
                        .withValues(label.getValue())
                        .build()));
    return requirements;
  }

  static List<Toleration> tolerations(Pool pool) {
    return pool.tolerations().stream()
        .map(
            t ->
                new TolerationBuilder()
                    .withKey(t.key())
                    .withOperator(t.operator())
                    .withValue("Exists".equals(t.operator()) ? null : t.value())
                    .withEffect(t.effect())
                    .build())
        .toList();
  }

  /**
   * The launch contract, the same for every rank but for what derives from the completion index
   * (defined first, so later values can refer to it as {@code $(JOB_COMPLETION_INDEX)}). The
   * visible-chip variable is left to the device plugin, which picks the chips it grants.
   */
  static List<EnvVar> env(ClusterBackend.Launch launch, String name, KubernetesProperties p) {
    String index = "$(" + INDEX_VARIABLE + ")";
    String progress =
        p.progressHostPath()
            + "/"
            + launch.jobId()
            + "/"
            + launch.attempt()
            + "/rank-"
            + index
            + ".jsonl";
    Map<String, String> contract =
        LaunchContract.env(
            launch.jobId(),
            launch.attempt(),
            0,
            launch.ranks().size(),
            name + "-0." + name,
            p.masterPort(),
            progress,
            launch.checkpointDir(),
            launch.resumeFrom(),
            List.of(),
            "ASCEND_RT_VISIBLE_DEVICES",
            launch.env());
    contract.remove("ASCEND_RT_VISIBLE_DEVICES");
    contract.put("BATON_RANK", index);
    contract.put("RANK", index);
    contract.put(
        "BATON_PLACEMENT",
        launch.ranks().stream()
            .map(ClusterBackend.RankPlacement::node)
            .collect(Collectors.joining(",")));
    List<String> secret = secretNames(launch);
    contract.keySet().removeAll(secret);
    List<EnvVar> env = new ArrayList<>();
    env.add(
        new EnvVarBuilder()
            .withName(INDEX_VARIABLE)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.annotations['" + Names.COMPLETION_INDEX + "']")
            .endFieldRef()
            .endValueFrom()
            .build());
    env.add(
        new EnvVarBuilder()
            .withName("BATON_NODE")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("spec.nodeName")
            .endFieldRef()
            .endValueFrom()
            .build());
    for (String key : secret) {
      env.add(
          new EnvVarBuilder()
              .withName(key)
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(Names.secret(launch.jobId(), launch.attempt()))
              .withKey(key)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    contract.forEach((key, value) -> env.add(new EnvVar(key, value, null)));
    return env;
  }

  /** The job's checkpoint directory and the attempt's progress directory, nothing else. */
  static List<VolumeMount> mounts(ClusterBackend.Launch launch, KubernetesProperties p) {
    return List.of(
        Volumes.slice(
            Volumes.CHECKPOINTS,
            p.checkpointMountPath(),
            Volumes.jobCheckpoints(launch.jobId()),
            false),
        Volumes.slice(
            Volumes.PROGRESS,
            p.progressHostPath(),
            Volumes.attemptProgress(launch.jobId(), launch.attempt()),
            false));
  }
}
