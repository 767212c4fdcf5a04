package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.ClusterUnavailableException;
import io.baton.orchestrator.cluster.RankState;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.pools.PoolRole;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The Kubernetes backend of training: an attempt is an Indexed Job and a headless Service it owns
 * ({@link TrainingManifests}), plus a Secret it owns when the spec has secret environment values,
 * observed through informers on its pods, Jobs and the cluster's nodes. While those caches are not
 * filled or not watching (API server unreachable), {@code observe} throws {@link
 * ClusterUnavailableException}: nothing is decided on what cannot be seen. Checkpoint files live on
 * a volume the orchestrator does not mount; hashing and deleting them runs a short Job on it
 * ({@link FileJobs}).
 */
class KubernetesBackend implements ClusterBackend, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KubernetesBackend.class);

  private final KubernetesClient client;
  private final KubernetesProperties properties;
  private final PoolCatalog pools;
  private final KubernetesApi api;
  private final FileJobs files;
  private final Informed<Pod> pods;
  private final Informed<Job> jobs;
  private final Informed<Node> nodes;
  private volatile boolean running;

  KubernetesBackend(KubernetesClient client, KubernetesProperties properties, PoolCatalog pools) {
    this.client = client;
    this.properties = properties;
    this.pools = pools;
    this.api = KubernetesApi.of(properties.retry());
    this.files = new FileJobs(client, properties, api);
    String ns = properties.namespace();
    this.pods =
        new Informed<>(
            "rank pods",
            client.pods().inNamespace(ns).withLabel(Names.JOB),
            Names.ATTEMPT_NAME,
            properties.informerResync());
    this.jobs =
        new Informed<>(
            "rank Jobs",
            client.batch().v1().jobs().inNamespace(ns).withLabel(Names.JOB),
            Names.ATTEMPT_NAME,
            properties.informerResync());
    this.nodes =
        new Informed<>("nodes", client.nodes(), Names.HOSTNAME, properties.informerResync());
  }

  @Override
  public void launch(Launch launch) {
    Pool pool = pool(launch.pool());
    Job job = createOrGet(TrainingManifests.job(launch, pool, properties));
    if (!TrainingManifests.secretNames(launch).isEmpty()) {
      createIfAbsent(TrainingManifests.secret(launch, job, properties));
      resume(job);
    }
    createOrGet(TrainingManifests.service(launch, job, properties));
    log.info(
        "Launched job {} attempt {}: Job {} with {} ranks",
        launch.jobId(),
        launch.attempt(),
        job.getMetadata().getName(),
        launch.ranks().size());
  }

  /** Creates the object; when it exists already (a repeated launch), returns the existing one. */
  <T extends HasMetadata> T createOrGet(T desired) {
    return api.call(
        "create " + desired.getKind() + " " + desired.getMetadata().getName(),
        () -> {
          try {
            return client.resource(desired).create();
          } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
              throw e;
            }
            T existing = client.resource(desired).get();
            if (existing == null) {
              throw new KubernetesClientException("gone while created", 503, e.getStatus());
            }
            return existing;
          }
        });
  }

  /** Creates the object; one that exists already (a repeated launch) is left as it is. */
  void createIfAbsent(HasMetadata desired) {
    api.run(
        "create " + desired.getKind() + " " + desired.getMetadata().getName(),
        () -> {
          try {
            client.resource(desired).create();
          } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
              throw e;
            }
          }
        });
  }

  /** Lets a Job created suspended (waiting for its Secret) start its pods. */
  private void resume(Job job) {
    if (!Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return;
    }
    String name = job.getMetadata().getName();
    api.run(
        "resume Job " + name,
        () ->
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(properties.namespace())
                .withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":false}}"));
  }

  @Override
  public void stop(UUID jobId, int attempt) {
    String name = Names.attempt(jobId, attempt);
    var job = client.batch().v1().jobs().inNamespace(properties.namespace()).withName(name);
    api.run(
        "delete Job " + name,
        () -> job.withPropagationPolicy(DeletionPropagation.FOREGROUND).delete());
    long deadline = System.nanoTime() + properties.stopTimeout().toNanos();
    while (api.call("read Job " + name, job::get) != null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Job "
                + name
                + " still terminates after "
                + properties.stopTimeout().toSeconds()
                + " s");
      }
      pause();
    }
  }

  @Override
  public List<RankState> observe(UUID jobId, int attempt) {
    for (Informed<?> cache : List.of(pods, jobs, nodes)) {
      if (!cache.ready()) {
        throw new ClusterUnavailableException(
            "the informer of " + cache.what() + " does not follow the API server now");
      }
    }
    String name = Names.attempt(jobId, attempt);
    Job job = jobs.get(properties.namespace(), name).orElse(null);
    List<Pod> ranks = pods.byLabel(name);
    if (job == null && ranks.isEmpty()) {
      // Just created and not seen yet by the informer? Ask before saying it is gone.
      job =
          api.call(
              "read Job " + name,
              () ->
                  client
                      .batch()
                      .v1()
                      .jobs()
                      .inNamespace(properties.namespace())
                      .withName(name)
                      .get());
    }
    return RankStates.of(job, ranks, node -> nodes.get(null, node).isPresent());
  }

  @Override
  public String logs(UUID jobId, int attempt, int rank, int tail) {
    String name = Names.attempt(jobId, attempt);
    List<Pod> candidates =
        api.call(
            "list pods of " + name,
            () ->
                client
                    .pods()
                    .inNamespace(properties.namespace())
                    .withLabel(Names.ATTEMPT_NAME, name)
                    .list()
                    .getItems());
    Optional<Pod> pod =
        candidates.stream().filter(p -> RankStates.index(p).orElse(-1) == rank).reduce((a, b) -> b);
    if (pod.isEmpty()) {
      return "";
    }
    try {
      String text =
          client
              .pods()
              .inNamespace(properties.namespace())
              .withName(pod.get().getMetadata().getName())
              .inContainer(TrainingManifests.CONTAINER)
              .tailingLines(tail)
              .getLog();
      return text == null ? "" : text;
    } catch (KubernetesClientException e) {
      return "";
    }
  }

  /**
   * The job's directory on the checkpoint volume, {@code <mount>/checkpoints/<job>}, or the spec's
   * directory inside it. Its ranks mount that directory and nothing else of the volume ({@link
   * Volumes#jobCheckpoints}).
   */
  @Override
  public String checkpointDir(UUID jobId, String requested) {
    Path own =
        Path.of(properties.checkpointMountPath())
            .resolve(Volumes.jobCheckpoints(jobId))
            .normalize();
    return ClusterBackend.inside(own, requested).toString();
  }

  /**
   * Hashes the file in a helper Job that mounts the directory holding it; a file outside the jobs'
   * and conversions' directories of the volume is not there.
   */
  @Override
  public FileDigest digest(String file) {
    if (!Volumes.onVolume(properties, file)) {
      return new FileDigest(false, null, 0);
    }
    FileJobs.Result result =
        files.shell(
            "digest",
            "if [ -f \"$BATON_FILE\" ]; then"
                + " echo \"$(sha256sum \"$BATON_FILE\" | cut -d' ' -f1) $(stat -c %s \"$BATON_FILE\")\""
                + " > /dev/termination-log; else echo missing > /dev/termination-log; fi",
            Map.of("BATON_FILE", file),
            List.of(Volumes.checkpointsHolding(properties, file, true)),
            properties.fileTimeout());
    return parseDigest(result);
  }

  static FileDigest parseDigest(FileJobs.Result result) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException("cannot hash the file: " + result.message());
    }
    String[] fields = result.message().trim().split("\\s+");
    if (fields.length != 2 || !fields[0].matches("[0-9a-f]{64}")) {
      return new FileDigest(false, null, 0);
    }
    return new FileDigest(true, fields[0], Long.parseLong(fields[1]));
  }

  /** Removes the first-level entries of the checkpoint the files belong to, in a helper Job. */
  @Override
  public void deleteCheckpointFiles(String checkpointDir, List<String> names) {
    List<String> doomed = doomed(checkpointDir, names);
    if (doomed.isEmpty()) {
      return;
    }
    FileJobs.Result result =
        files.shell(
            "delete",
            "cd \"$BATON_DIR\" 2>/dev/null || exit 0; printf '%s\\n' \"$BATON_TARGETS\" |"
                + " while IFS= read -r t; do [ -n \"$t\" ] && rm -rf -- \"./$t\"; done;"
                + " echo deleted > /dev/termination-log",
            Map.of("BATON_DIR", checkpointDir, "BATON_TARGETS", String.join("\n", doomed)),
            List.of(Volumes.checkpointsHolding(properties, checkpointDir, false)),
            properties.fileTimeout());
    if (result.exitCode() != 0) {
      throw new IllegalStateException("cannot delete " + doomed + ": " + result.message());
    }
  }

  /** The first-level entries of {@code dir} that hold {@code files}; refuses paths outside it. */
  static List<String> doomed(String dir, List<String> files) {
    Path base = Path.of(dir).normalize();
    Set<String> doomed = new LinkedHashSet<>();
    for (String name : files) {
      Path file = base.resolve(name).normalize();
      if (!file.startsWith(base) || file.equals(base)) {
        throw new IllegalArgumentException(name + " is not inside " + base);
      }
      doomed.add(base.relativize(file).getName(0).toString());
    }
    return new ArrayList<>(doomed);
  }

  private Pool pool(String name) {
    if (name != null) {
      return pools.get(name);
    }
    return pools.all().stream()
        .filter(p -> p.role() == PoolRole.TRAINING)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no TRAINING pool is configured"));
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("interrupted", e);
    }
  }

  @Override
  public void start() {
    Stream.of(pods, jobs, nodes).forEach(Informed::start);
    running = true;
  }

  @Override
  public void stop() {
    Stream.of(pods, jobs, nodes).forEach(Informed::close);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
