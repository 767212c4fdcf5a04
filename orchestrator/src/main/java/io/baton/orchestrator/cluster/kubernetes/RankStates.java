package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.RankState;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The ranks of an attempt from its Job and pods, as a kubelet leaves them: a Succeeded pod exited
 * 0; a Failed one with its container's exit code (and {@code OOMKilled} when the kernel killed it);
 * a pod that cannot pull its image or start its container exited 127 as a shell would say; a pod
 * evicted or whose node vanished ended for infrastructure reasons (137). A rank without a pod yet
 * runs (it waits to be scheduled) on the node it was placed on, unless its Job is over.
 */
final class RankStates {

  static final int CANNOT_START = 127;
  static final int KILLED = 137;
  private static final Set<String> CANNOT_START_REASONS =
      Set.of(
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "CreateContainerConfigError",
          "CreateContainerError");

  private RankStates() {}

  /**
   * @param job the attempt's Job, null when it is gone
   * @param nodeExists whether a node of that name is known to the API server
   */
  static List<RankState> of(Job job, List<Pod> pods, Predicate<String> nodeExists) {
    List<String> placed = placement(job);
    int ranks =
        job == null || job.getSpec().getCompletions() == null ? 0 : job.getSpec().getCompletions();
    int highest =
        pods.stream()
            .map(RankStates::index)
            .flatMap(Optional::stream)
            .max(Integer::compare)
            .orElse(-1);
    ranks = Math.max(ranks, highest + 1);
    List<RankState> states = new ArrayList<>();
    for (int rank = 0; rank < ranks; rank++) {
      int r = rank;
      String planned = r < placed.size() ? placed.get(r) : null;
      Optional<Pod> pod =
          pods.stream()
              .filter(p -> index(p).orElse(-1) == r)
              .max(
                  Comparator.comparing(
                      (Pod p) -> p.getMetadata().getCreationTimestamp(),
                      Comparator.nullsFirst(Comparator.naturalOrder())));
      states.add(pod.map(p -> rank(r, p, planned, nodeExists)).orElse(withoutPod(r, planned, job)));
    }
    return states;
  }

  /**
   * A rank without a pod waits to be scheduled, unless its Job is over: complete (its pods were
   * removed since), or failed without a pod to tell why (deleted pods, a deadline).
   */
  private static RankState withoutPod(int rank, String planned, Job job) {
    if (condition(job, "Complete").isPresent()) {
      return new RankState(rank, planned, 0);
    }
    Optional<String> failed = condition(job, "Failed");
    if (failed.isPresent()) {
      return new RankState(rank, planned, KILLED, "the Job failed: " + failed.get(), true);
    }
    return new RankState(rank, planned, null);
  }

  /** The reason (and message) of a condition of the Job that is True. */
  private static Optional<String> condition(Job job, String type) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .map(
            c ->
                (c.getReason() == null ? type : c.getReason())
                    + (c.getMessage() == null ? "" : ": " + c.getMessage()))
        .findFirst();
  }

  static RankState rank(int rank, Pod pod, String planned, Predicate<String> nodeExists) {
    String node =
        pod.getSpec() == null || pod.getSpec().getNodeName() == null
            ? planned
            : pod.getSpec().getNodeName();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    Optional<ContainerState> state = container(pod).map(ContainerStatus::getState);
    if ("Succeeded".equals(phase)) {
      int exit = state.map(ContainerState::getTerminated).map(t -> t.getExitCode()).orElse(0);
      return new RankState(rank, node, exit);
    }
    if ("Failed".equals(phase)) {
      var terminated = state.map(ContainerState::getTerminated);
      if (terminated.isPresent() && terminated.get().getExitCode() != null) {
        String reason = terminated.get().getReason();
        boolean plain = reason == null || "Error".equals(reason) || "Completed".equals(reason);
        return new RankState(
            rank, node, terminated.get().getExitCode(), plain ? null : reason, false);
      }
      String reason = pod.getStatus().getReason() == null ? "Failed" : pod.getStatus().getReason();
      String message = pod.getStatus().getMessage();
      return new RankState(
          rank, node, KILLED, message == null ? reason : reason + ": " + message, true);
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return new RankState(rank, node, null);
    }
    if (pod.getSpec() != null && pod.getSpec().getNodeName() != null && !nodeExists.test(node)) {
      return new RankState(rank, node, KILLED, "node " + node + " is gone", true);
    }
    var waiting = state.map(ContainerState::getWaiting);
    if (waiting.isPresent() && CANNOT_START_REASONS.contains(waiting.get().getReason())) {
      String message = waiting.get().getMessage();
      return new RankState(
          rank,
          node,
          CANNOT_START,
          waiting.get().getReason() + (message == null ? "" : ": " + message),
          false);
    }
    return new RankState(rank, node, null);
  }

  static Optional<Integer> index(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    Map<String, String> labels = pod.getMetadata().getLabels();
    String value = annotations == null ? null : annotations.get(Names.COMPLETION_INDEX);
    if (value == null && labels != null) {
      value = labels.get(Names.COMPLETION_INDEX);
    }
    try {
      return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static Optional<ContainerStatus> container(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses.stream()
        .filter(s -> TrainingManifests.CONTAINER.equals(s.getName()))
        .findFirst()
        .or(() -> statuses.stream().findFirst());
  }

  private static List<String> placement(Job job) {
    if (job == null || job.getMetadata().getAnnotations() == null) {
      return List.of();
    }
    String placed = job.getMetadata().getAnnotations().get(Names.PLACEMENT);
    return placed == null || placed.isBlank() ? List.of() : List.of(placed.split(","));
  }
}
