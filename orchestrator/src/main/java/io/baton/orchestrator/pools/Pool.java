package io.baton.orchestrator.pools;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
    @DefaultValue("false") boolean runAsRoot) {

  @ConstructorBinding
  public Pool {
    nodeLabels = Map.copyOf(nodeLabels);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
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
