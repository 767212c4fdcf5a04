package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.ClusterUnavailableException;
import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.cluster.RankState;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.context.SmartLifecycle;

/**
 * The Kubernetes backend of serving: replicas of an endpoint revision are pods of two Deployments
 * on the INFERENCE pool, replica 0 in {@code <endpoint>-r<revision>-canary}, replicas 1.. in {@code
 * <endpoint>-r<revision>} ({@link ServingManifests}). Ensuring replica {@code i >= 1} scales the
 * main Deployment up to {@code i}; stopping it scales it down to {@code i - 1}, and to zero deletes
 * it: a rollback scales the new revision away while the old one serves on. Their state comes from
 * informers on the Deployments and pods; a replica's url is its pod's address.
 */
class KubernetesInference implements InferenceBackend, SmartLifecycle {

  private static final Duration POLL = Duration.ofMillis(200);

  private final KubernetesClient client;
  private final KubernetesProperties properties;
  private final PoolCatalog pools;
  private final KubernetesApi api;
  private final FileJobs files;
  private final Informed<Deployment> deployments;
  private final Informed<Pod> pods;
  private volatile boolean running;

  KubernetesInference(KubernetesClient client, KubernetesProperties properties, PoolCatalog pools) {
    this.client = client;
    this.properties = properties;
    this.pools = pools;
    this.api = KubernetesApi.of(properties.retry());
    this.files = new FileJobs(client, properties, api);
    String ns = properties.namespace();
    this.deployments =
        new Informed<>(
            "replica Deployments",
            client.apps().deployments().inNamespace(ns).withLabel(Names.COMPONENT, "replica"),
            Names.ENDPOINT,
            properties.informerResync());
    this.pods =
        new Informed<>(
            "replica pods",
            client.pods().inNamespace(ns).withLabel(Names.COMPONENT, "replica"),
            Names.DEPLOYMENT,
            properties.informerResync());
  }

  @Override
  public void ensureReplica(Replica replica) {
    Pool pool = pools.get(replica.pool());
    String name = ServingManifests.name(replica.endpoint(), replica.revision(), replica.index());
    ServingManifests.Booking booking =
        new ServingManifests.Booking(replica.node(), replica.chips());
    Deployment deployment =
        api.call(
            "ensure Deployment " + name,
            () -> {
              Deployment current = deployment(name);
              if (current == null) {
                Map<Integer, ServingManifests.Booking> booked = Map.of(replica.index(), booking);
                return client
                    .resource(
                        ServingManifests.deployment(
                            replica,
                            Math.max(1, replica.index()),
                            ServingManifests.chips(booked),
                            pool,
                            properties))
                    .create();
              }
              return scaleUp(current, replica.index(), booking);
            });
    ensureService(replica.endpoint(), replica.revision(), deployment);
  }

  /** Raises the main Deployment to {@code index} replicas; a stale read ends in 409, retried. */
  private Deployment scaleUp(Deployment current, int index, ServingManifests.Booking booking) {
    if (index == 0) {
      return current;
    }
    Map<Integer, ServingManifests.Booking> booked =
        new HashMap<>(ServingManifests.bookings(annotation(current, Names.CHIPS)));
    int replicas = replicas(current);
    if (replicas >= index && booked.containsKey(index)) {
      return current;
    }
    booked.putIfAbsent(index, booking);
    current.getSpec().setReplicas(Math.max(replicas, index));
    current.getMetadata().getAnnotations().put(Names.CHIPS, ServingManifests.chips(booked));
    return client.resource(current).update();
  }

  private void ensureService(String endpoint, int revision, Deployment owner) {
    OwnerReference reference = TrainingManifests.ownerReference(owner);
    reference.setController(false);
    String name = Names.revision(endpoint, revision);
    api.call(
        "ensure Service " + name,
        () -> {
          Service current =
              client.services().inNamespace(properties.namespace()).withName(name).get();
          if (current == null) {
            return client
                .resource(
                    ServingManifests.service(endpoint, revision, List.of(reference), properties))
                .create();
          }
          List<OwnerReference> owners = new ArrayList<>(current.getMetadata().getOwnerReferences());
          if (owners.stream().anyMatch(o -> reference.getUid().equals(o.getUid()))) {
            return current;
          }
          owners.removeIf(o -> reference.getName().equals(o.getName()));
          owners.add(reference);
          current.getMetadata().setOwnerReferences(owners);
          return client.resource(current).update();
        });
  }

  @Override
  public List<ReplicaState> replicas(String endpoint) {
    for (Informed<?> cache : List.of(deployments, pods)) {
      if (!cache.ready()) {
        throw new ClusterUnavailableException(
            "the informer of " + cache.what() + " does not follow the API server now");
      }
    }
    List<ReplicaState> states = new ArrayList<>();
    for (Deployment d : deployments.byLabel(Names.label(endpoint, 0))) {
      if (!endpoint.equals(annotation(d, Names.ENDPOINT))) {
        continue;
      }
      List<Pod> podsOf = podsOf(d);
      List<Integer> indexes = indexes(d);
      Map<Integer, ServingManifests.Booking> booked =
          ServingManifests.bookings(annotation(d, Names.CHIPS));
      int revision = Integer.parseInt(d.getMetadata().getLabels().get(Names.REVISION));
      for (int k = 0; k < indexes.size(); k++) {
        int index = indexes.get(k);
        Pod pod = k < podsOf.size() ? podsOf.get(k) : null;
        states.add(state(endpoint, revision, index, pod, booked.get(index), d));
      }
    }
    states.sort(
        Comparator.comparingInt(ReplicaState::revision).thenComparingInt(ReplicaState::index));
    return states;
  }

  private ReplicaState state(
      String endpoint,
      int revision,
      int index,
      Pod pod,
      ServingManifests.Booking booking,
      Deployment owner) {
    String node = booking == null ? null : booking.node();
    List<Integer> chips = booking == null ? List.of() : booking.chips();
    Instant startedAt = instant(owner.getMetadata().getCreationTimestamp());
    if (pod == null) {
      return new ReplicaState(endpoint, revision, index, node, chips, null, false, null, startedAt);
    }
    if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
      node = pod.getSpec().getNodeName();
    }
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    String url = ip == null ? null : "http://" + ip + ":" + properties.servingPort();
    boolean ready =
        pod.getStatus() != null
            && pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    Instant podStart = instant(pod.getMetadata().getCreationTimestamp());
    return new ReplicaState(
        endpoint,
        revision,
        index,
        node,
        chips,
        url,
        ready,
        exitCode(pod),
        podStart == null ? startedAt : podStart);
  }

  /** A crash-looping server reports its last exit code; one that cannot start, 127. */
  static Integer exitCode(Pod pod) {
    Optional<ContainerStatus> status = RankStates.container(pod);
    if (status.isPresent()
        && status.get().getState() != null
        && status.get().getState().getWaiting() != null
        && "CrashLoopBackOff".equals(status.get().getState().getWaiting().getReason())
        && status.get().getLastState() != null
        && status.get().getLastState().getTerminated() != null) {
      return status.get().getLastState().getTerminated().getExitCode();
    }
    RankState state = RankStates.rank(0, pod, null, node -> true);
    return state.exitCode();
  }

  private List<Pod> podsOf(Deployment d) {
    return pods.byLabel(d.getMetadata().getName()).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(
            Comparator.comparing(
                    (Pod p) -> p.getMetadata().getCreationTimestamp(),
                    Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private static List<Integer> indexes(Deployment d) {
    if (ServingManifests.CANARY.equals(d.getMetadata().getLabels().get(ServingManifests.ROLE))) {
      return List.of(0);
    }
    List<Integer> indexes = new ArrayList<>();
    for (int i = 1; i <= replicas(d); i++) {
      indexes.add(i);
    }
    return indexes;
  }

  @Override
  public void stopReplica(String endpoint, int revision, int index) {
    if (index == 0) {
      delete(Names.canary(endpoint, revision));
    } else {
      String name = Names.revision(endpoint, revision);
      boolean empty =
          api.call(
              "scale Deployment " + name,
              () -> {
                Deployment current = deployment(name);
                if (current == null) {
                  return false;
                }
                int target = Math.min(replicas(current), index - 1);
                if (target == 0) {
                  return true;
                }
                if (target == replicas(current)) {
                  return false;
                }
                Map<Integer, ServingManifests.Booking> booked =
                    new HashMap<>(ServingManifests.bookings(annotation(current, Names.CHIPS)));
                booked.keySet().removeIf(i -> i > target);
                current.getSpec().setReplicas(target);
                current
                    .getMetadata()
                    .getAnnotations()
                    .put(Names.CHIPS, ServingManifests.chips(booked));
                client.resource(current).update();
                return false;
              });
      if (empty) {
        delete(name);
      }
    }
    if (deployment(Names.canary(endpoint, revision)) == null
        && deployment(Names.revision(endpoint, revision)) == null) {
      api.run(
          "delete Service",
          () ->
              client
                  .services()
                  .inNamespace(properties.namespace())
                  .withName(Names.revision(endpoint, revision))
                  .delete());
    }
  }

  /** Deletes a Deployment and its pods, and returns when they are gone. */
  private void delete(String name) {
    var resource = client.apps().deployments().inNamespace(properties.namespace()).withName(name);
    api.run(
        "delete Deployment " + name,
        () -> resource.withPropagationPolicy(DeletionPropagation.FOREGROUND).delete());
    long deadline = System.nanoTime() + properties.stopTimeout().toNanos();
    while (deployment(name) != null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Deployment " + name + " is still there");
      }
      pause();
    }
  }

  @Override
  public String logs(String endpoint, int revision, int index, int tail) {
    String name = ServingManifests.name(endpoint, revision, index);
    List<Pod> candidates =
        api.call(
            "list pods of " + name,
            () ->
                client
                    .pods()
                    .inNamespace(properties.namespace())
                    .withLabel(Names.DEPLOYMENT, name)
                    .list()
                    .getItems()
                    .stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList());
    int k = index == 0 ? 0 : index - 1;
    if (k >= candidates.size()) {
      return "";
    }
    try {
      String text =
          client
              .pods()
              .inNamespace(properties.namespace())
              .withName(candidates.get(k).getMetadata().getName())
              .inContainer(ServingManifests.CONTAINER)
              .tailingLines(tail)
              .getLog();
      return text == null ? "" : text;
    } catch (KubernetesClientException e) {
      return "";
    }
  }

  /**
   * Runs the converter as a Job on the inference pool with one chip; it writes {@code
   * <mount>/conversions/<promotion>/model.<format>} on the checkpoint volume.
   */
  @Override
  public Conversion convert(ConversionRequest request) {
    Pool pool = pools.get(request.pool());
    String extension = request.outputFormat() == null ? "out" : request.outputFormat();
    String output =
        properties.checkpointMountPath()
            + "/conversions/"
            + request.promotionId()
            + "/model."
            + extension;
    Map<String, String> env = new HashMap<>(request.env());
    env.put("BATON_CONVERT_INPUT", request.input());
    env.put("BATON_CONVERT_OUTPUT", output);
    env.put("BATON_CONVERT_FORMAT", extension);
    List<String> command =
        Stream.concat(
                Stream.of(
                    "sh", "-c", "mkdir -p \"${BATON_CONVERT_OUTPUT%/*}\" && exec \"$@\"", "sh"),
                request.command().stream())
            .toList();
    long started = System.nanoTime();
    FileJobs.Result result =
        files.run(
            "convert",
            properties.servingImage(),
            command,
            env,
            converterMounts(request),
            pool,
            spec -> {
              spec.setTolerations(TrainingManifests.tolerations(pool));
              spec.setAffinity(
                  new io.fabric8.kubernetes.api.model.AffinityBuilder()
                      .withNewNodeAffinity()
                      .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                      .addNewNodeSelectorTerm()
                      .withMatchExpressions(TrainingManifests.nodeRequirements(List.of(), pool))
                      .endNodeSelectorTerm()
                      .endRequiredDuringSchedulingIgnoredDuringExecution()
                      .endNodeAffinity()
                      .build());
              var one =
                  Map.of(pool.resourceName(), new io.fabric8.kubernetes.api.model.Quantity("1"));
              spec.getContainers()
                  .get(0)
                  .setResources(
                      new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                          .withRequests(one)
                          .withLimits(one)
                          .build());
            },
            request.timeout());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    return new Conversion(
        result.exitCode(), result.exitCode() == 0 ? output : null, result.message(), took);
  }

  /**
   * The converter runs the spec's command: it reads the checkpoint's directory and writes the
   * promotion's conversion directory, and sees nothing else of the volume.
   */
  private List<io.fabric8.kubernetes.api.model.VolumeMount> converterMounts(
      ConversionRequest request) {
    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
    if (Volumes.onVolume(properties, request.input())) {
      mounts.add(Volumes.checkpointsHolding(properties, request.input(), true));
    }
    mounts.add(
        Volumes.slice(
            Volumes.CHECKPOINTS,
            properties.checkpointMountPath(),
            "conversions/" + request.promotionId(),
            false));
    return mounts;
  }

  private Deployment deployment(String name) {
    return api.call(
        "read Deployment " + name,
        () -> client.apps().deployments().inNamespace(properties.namespace()).withName(name).get());
  }

  private static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private static String annotation(Deployment d, String key) {
    Map<String, String> annotations = d.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static Instant instant(String timestamp) {
    try {
      return timestamp == null ? null : Instant.parse(timestamp);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("interrupted", e);
    }
  }

  @Override
  public void start() {
    deployments.start();
    pods.start();
    running = true;
  }

  @Override
  public void stop() {
    deployments.close();
    pods.close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Starts before and stops after what starts replicas. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1024;
  }
}
