package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.RankState;
import io.baton.orchestrator.pools.Pool;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Short-lived {@code batch/v1} Jobs that do what the orchestrator cannot do itself because the
 * files are on the checkpoint volume, not on its disk: hash a checkpoint, delete one, convert a
 * model. Each runs one pod, with only the slices of the volume it works on mounted, to completion;
 * its result is the container's exit code and its termination message (what it wrote to {@code
 * /dev/termination-log}, else its last log lines), read from the pod's status. The Job is deleted
 * afterwards (and expires by itself if the orchestrator dies meanwhile).
 */
final class FileJobs {

  static final String HELPER = "baton.io/helper";
  private static final Duration POLL = Duration.ofMillis(200);

  private final KubernetesClient client;
  private final KubernetesProperties properties;
  private final KubernetesApi api;

  FileJobs(KubernetesClient client, KubernetesProperties properties, KubernetesApi api) {
    this.client = client;
    this.properties = properties;
    this.api = api;
  }

  /**
   * @param exitCode the container's; 124 when it did not finish in time
   * @param message its termination message, or its last log lines
   */
  record Result(int exitCode, String message) {}

  /** Runs {@code sh -c script} in the tools image with {@code env}, on Baton's own identity. */
  Result shell(
      String purpose,
      String script,
      Map<String, String> env,
      List<VolumeMount> mounts,
      Duration timeout) {
    return run(
        purpose,
        properties.toolsImage(),
        List.of("sh", "-c", script),
        env,
        mounts,
        null,
        spec -> {},
        timeout);
  }

  /**
   * Runs {@code command} to completion.
   *
   * @param mounts the slices of the checkpoint volume it sees ({@link Volumes}), nothing else
   * @param pool the pool it runs on, for its security settings; null for Baton's own helpers
   * @param customize adds placement and resources to the pod spec
   */
  Result run(
      String purpose,
      String image,
      List<String> command,
      Map<String, String> env,
      List<VolumeMount> mounts,
      Pool pool,
      Consumer<PodSpec> customize,
      Duration timeout) {
    String name =
        Names.label("baton-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8), 0);
    Job job = job(name, purpose, image, command, env, mounts, pool);
    customize.accept(job.getSpec().getTemplate().getSpec());
    api.call("create " + purpose + " Job", () -> client.resource(job).create());
    try {
      return await(name, timeout);
    } finally {
      try {
        api.run(
            "delete " + purpose + " Job",
            () ->
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(properties.namespace())
                    .withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete());
      } catch (RuntimeException e) {
        // It expires by itself (ttlSecondsAfterFinished).
      }
    }
  }

  private Job job(
      String name,
      String purpose,
      String image,
      List<String> command,
      Map<String, String> env,
      List<VolumeMount> mounts,
      Pool pool) {
    Map<String, String> labels =
        Map.of(Names.MANAGED_BY, "baton", Names.COMPONENT, purpose, HELPER, name);
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(properties.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withTtlSecondsAfterFinished(600)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(PodSecurity.pod(pool, properties))
        .addNewContainer()
        .withName(purpose)
        .withImage(image)
        .withCommand(command)
        .withEnv(
            env.entrySet().stream().map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList())
        .withVolumeMounts(mounts)
        .withSecurityContext(PodSecurity.container(pool))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .endContainer()
        .withVolumes(mounts.isEmpty() ? List.of() : List.of(Volumes.checkpoints(properties)))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Result await(String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<Pod> pods =
          api.call(
              "read pods of " + name,
              () ->
                  client
                      .pods()
                      .inNamespace(properties.namespace())
                      .withLabel(HELPER, name)
                      .list()
                      .getItems());
      for (Pod pod : pods) {
        Optional<Result> result = result(pod);
        if (result.isPresent()) {
          return result.get();
        }
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
    return new Result(124, name + " did not finish within " + timeout.toSeconds() + " s");
  }

  private Optional<Result> result(Pod pod) {
    RankState state = RankStates.rank(0, pod, null, node -> true);
    if (state.exitCode() == null) {
      return Optional.empty();
    }
    String message =
        RankStates.container(pod)
            .map(s -> s.getState() == null ? null : s.getState().getTerminated())
            .map(ContainerStateTerminated::getMessage)
            .orElse(null);
    if (message == null) {
      message = state.reason() == null ? log(pod) : state.reason();
    }
    return Optional.of(new Result(state.exitCode(), message.strip()));
  }

  private String log(Pod pod) {
    try {
      String log =
          client
              .pods()
              .inNamespace(properties.namespace())
              .withName(pod.getMetadata().getName())
              .tailingLines(20)
              .getLog();
      return log == null ? "" : log;
    } catch (KubernetesClientException e) {
      return "";
    }
  }
}
