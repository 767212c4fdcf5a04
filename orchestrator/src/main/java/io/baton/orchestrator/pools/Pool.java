package io.baton.orchestrator.pools;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A named set of nodes of one accelerator family and one role.
 *
 * @param name DNS-1123 label, unique
 * @param role TRAINING (Ascend) or INFERENCE (Nvidia)
 * @param accelerator accelerator model, e.g. {@code ascend-910b}, {@code nvidia-h100}
 * @param nodes number of nodes (simulated pools create this many)
 * @param chipsPerNode chips on every node
 * @param nodeLabels labels that select the pool's nodes on Kubernetes
 * @param resourceName the Kubernetes extended resource of a chip
 * @param topologyLabel node label whose value groups nodes that talk fast to each other
 * @param tolerations taints of the pool's nodes that its workloads tolerate on Kubernetes
 * @param runAsRoot whether the pool's workloads must run as root on Kubernetes (a runtime that
 *     needs it); default false: they run as a non-root user under the restricted Pod Security
 *     profile
 * @param hangTimeoutFloor the shortest hang timeout derived from a job's step times (default 5
 *     minutes): a job with 80 ms steps is hung after this, not after 800 ms
 * @param startupTimeout how long a job's attempt may go before its first step (and before its step
 *     time is known) without being hung: loading a big model and the collective's rendezvous take
 *     time (default 30 minutes, above HCCL_CONNECT_TIMEOUT raised to 1200 s as large jobs do, so
 *     HCCL's own error comes first)
 */
public record Pool(
    @NotBlank @Pattern(regexp = "[a-z0-9]([-a-z0-9]*[a-z0-9])?") String name,
    @NotNull PoolRole role,
    @NotBlank String accelerator,
    @Min(0) int nodes,
    @Min(1) int chipsPerNode,
    @DefaultValue Map<String, String> nodeLabels,
    @NotBlank String resourceName,
    @DefaultValue("topology.baton.io/group") String topologyLabel,
    @DefaultValue List<Toleration> tolerations,
    @DefaultValue("false") boolean runAsRoot,
    @DefaultValue("5m") Duration hangTimeoutFloor,
    @DefaultValue("30m") Duration startupTimeout) {

  public static final Duration DEFAULT_HANG_TIMEOUT_FLOOR = Duration.ofMinutes(5);
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(30);

  @ConstructorBinding
  public Pool {
    nodeLabels = Map.copyOf(nodeLabels);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    hangTimeoutFloor = hangTimeoutFloor == null ? DEFAULT_HANG_TIMEOUT_FLOOR : hangTimeoutFloor;
    startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
  }

  /** A pool with the default hang timeouts. */
  public Pool(
      String name,
      PoolRole role,
      String accelerator,
      int nodes,
      int chipsPerNode,
      Map<String, String> nodeLabels,
      String resourceName,
      String topologyLabel,
      List<Toleration> tolerations,
      boolean runAsRoot) {
    this(
        name,
        role,
        accelerator,
        nodes,
        chipsPerNode,
        nodeLabels,
        resourceName,
        topologyLabel,
        tolerations,
        runAsRoot,
        null,
        null);
  }

  /** A pool whose workloads run as a non-root user. */
  public Pool(
      String name,
      PoolRole role,
      String accelerator,
      int nodes,
      int chipsPerNode,
      Map<String, String> nodeLabels,
      String resourceName,
      String topologyLabel,
      List<Toleration> tolerations) {
    this(
        name,
        role,
        accelerator,
        nodes,
        chipsPerNode,
        nodeLabels,
        resourceName,
        topologyLabel,
        tolerations,
        false);
  }

  /** A pool whose nodes carry no taints its workloads must tolerate. */
  public Pool(
      String name,
      PoolRole role,
      String accelerator,
      int nodes,
      int chipsPerNode,
      Map<String, String> nodeLabels,
      String resourceName,
      String topologyLabel) {
    this(
        name,
        role,
        accelerator,
        nodes,
        chipsPerNode,
        nodeLabels,
        resourceName,
        topologyLabel,
        List.of());
  }

  /**
   * A Kubernetes toleration, as in a pod spec.
   *
   * @param operator {@code Equal} or {@code Exists}
   * @param effect {@code NoSchedule}, {@code PreferNoSchedule}, {@code NoExecute}; empty for all
   */
  public record Toleration(
      String key, @DefaultValue("Equal") String operator, String value, String effect) {}

  public int totalChips() {
    return nodes * chipsPerNode;
  }
}
