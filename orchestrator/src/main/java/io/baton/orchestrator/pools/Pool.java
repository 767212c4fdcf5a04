package io.baton.orchestrator.pools;

import io.baton.orchestrator.faults.ChipReputation;
import io.baton.orchestrator.faults.FaultPolicy;
import io.baton.orchestrator.faults.FaultRule;
import io.baton.orchestrator.faults.StragglerPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
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
 * @param stragglerPolicy what Baton does about a straggler: {@code observe} (event and metrics),
 *     {@code avoid} (also: new placements use nodes with slow chips last), {@code replace} (also:
 *     restart the job without the slow node when it pays); a job may lower it towards {@code
 *     observe}
 * @param stragglerFactor how much slower than the rest of its gang (median {@code computeMs}) a
 *     rank must be to be a straggler
 * @param stragglerWindow reported steps each rank is judged over
 * @param reputationHalfLife how fast a slow chip's bad reputation fades: an observation weighs half
 *     as much after this long
 * @param reputationThreshold the decayed excess slowness from which a chip's reputation is bad
 * @param isolationCooldown how long an isolated chip or node must have been healthy before it goes
 *     back into service
 * @param faultPolicy rows of the fault policy table that replace the default rows for the same
 *     signal (docs/fault-policy.md)
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
    @DefaultValue("30m") Duration startupTimeout,
    @DefaultValue("observe") StragglerPolicy stragglerPolicy,
    @DefaultValue("1.25") @DecimalMin(value = "1.0", inclusive = false) double stragglerFactor,
    @DefaultValue("20") @Min(2) int stragglerWindow,
    @DefaultValue("12h") Duration reputationHalfLife,
    @DefaultValue("0.1") @DecimalMin(value = "0.0", inclusive = false) double reputationThreshold,
    @DefaultValue("30m") Duration isolationCooldown,
    @DefaultValue List<@Valid FaultRule> faultPolicy) {

  public static final Duration DEFAULT_HANG_TIMEOUT_FLOOR = Duration.ofMinutes(5);
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(30);
  public static final double DEFAULT_STRAGGLER_FACTOR = 1.25;
  public static final int DEFAULT_STRAGGLER_WINDOW = 20;
  public static final Duration DEFAULT_ISOLATION_COOLDOWN = Duration.ofMinutes(30);

  @ConstructorBinding
  public Pool {
    nodeLabels = Map.copyOf(nodeLabels);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    hangTimeoutFloor = hangTimeoutFloor == null ? DEFAULT_HANG_TIMEOUT_FLOOR : hangTimeoutFloor;
    startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
    stragglerPolicy = stragglerPolicy == null ? StragglerPolicy.OBSERVE : stragglerPolicy;
    reputationHalfLife =
        reputationHalfLife == null ? ChipReputation.DEFAULT_HALF_LIFE : reputationHalfLife;
    isolationCooldown = isolationCooldown == null ? DEFAULT_ISOLATION_COOLDOWN : isolationCooldown;
    faultPolicy = faultPolicy == null ? List.of() : List.copyOf(faultPolicy);
  }

  /** A pool with the default hang timeouts and straggler and fault policies. */
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
        null,
        StragglerPolicy.OBSERVE,
        DEFAULT_STRAGGLER_FACTOR,
        DEFAULT_STRAGGLER_WINDOW,
        ChipReputation.DEFAULT_HALF_LIFE,
        ChipReputation.DEFAULT_THRESHOLD,
        DEFAULT_ISOLATION_COOLDOWN,
        List.of());
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

  /** The pool's fault policy table: the defaults with the pool's own rows in their place. */
  public FaultPolicy effectiveFaultPolicy() {
    return FaultPolicy.defaults().with(faultPolicy);
  }

  /** How the pool judges a chip's reputation. */
  public ChipReputation reputation() {
    return new ChipReputation(reputationHalfLife, reputationThreshold);
  }

  /** This pool with another straggler policy (tests, examples). */
  public Pool withStragglerPolicy(StragglerPolicy policy) {
    return new Pool(
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
        hangTimeoutFloor,
        startupTimeout,
        policy,
        stragglerFactor,
        stragglerWindow,
        reputationHalfLife,
        reputationThreshold,
        isolationCooldown,
        faultPolicy);
  }
}
