package io.baton.orchestrator.cluster.kubernetes;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.cluster.kubernetes}: where and how the Kubernetes backend runs workloads. Used when
 * {@code baton.cluster.backend=kubernetes}.
 *
 * @param namespace where ranks, replicas and helper Jobs run
 * @param kubeconfig a kubeconfig file to use; unset: the in-cluster service account, else the usual
 *     auto-configuration ({@code KUBECONFIG}, {@code ~/.kube/config})
 * @param masterUrl the API server's URL, overriding the one found by auto-configuration
 * @param image container image of ranks whose spec names none
 * @param servingImage container image of serving replicas and converters
 * @param toolsImage small image with a POSIX shell and coreutils, for checkpoint file operations
 * @param checkpointClaim PersistentVolumeClaim holding checkpoints (ReadWriteMany), mounted by
 *     ranks, replicas, converters and file operations
 * @param checkpointMountPath where that claim is mounted in every container
 * @param progressHostPath directory on each node that its agent follows for progress files
 * @param masterPort rendezvous port of rank 0
 * @param servingPort port a serving replica listens on ({@code PORT})
 * @param faultTaintKey taint put on a node with a FAULT chip, with the fault as its value
 * @param holdAnnotation node annotation ({@code "true"}) by which an operator keeps a fenced node
 *     fenced after its chips are healthy again
 * @param fenceInterval how often nodes are fenced and released from their chips' health
 * @param retry how calls to the API server are retried
 * @param informerResync how often the informers replay their caches
 * @param stopTimeout how long {@code stop} waits for a deleted Job's pods to be gone
 * @param fileTimeout how long a checkpoint file operation (hash, delete) may take
 * @param podSecurity the user and groups of every pod Baton creates (unless its pool runs as root)
 * @param agentAuthentication agents authenticating with their projected service-account tokens
 */
@ConfigurationProperties("baton.cluster.kubernetes")
record KubernetesProperties(
    @DefaultValue("baton") String namespace,
    Path kubeconfig,
    String masterUrl,
    @DefaultValue("baton/trainer:latest") String image,
    @DefaultValue("baton/server:latest") String servingImage,
    @DefaultValue("busybox:1.36") String toolsImage,
    @DefaultValue("baton-checkpoints") String checkpointClaim,
    @DefaultValue("/checkpoints") String checkpointMountPath,
    @DefaultValue("/var/lib/baton/progress") String progressHostPath,
    @DefaultValue("29500") int masterPort,
    @DefaultValue("8000") int servingPort,
    @DefaultValue("baton.io/chip-fault") String faultTaintKey,
    @DefaultValue("baton.io/hold") String holdAnnotation,
    @DefaultValue("5s") Duration fenceInterval,
    @DefaultValue Retry retry,
    @DefaultValue("5m") Duration informerResync,
    @DefaultValue("2m") Duration stopTimeout,
    @DefaultValue("5m") Duration fileTimeout,
    @DefaultValue PodSecurity podSecurity,
    @DefaultValue AgentAuthentication agentAuthentication) {

  /**
   * @param attempts calls made before giving up (the first one included)
   * @param backoff wait before the second call; doubles each time
   * @param maxBackoff longest wait between two calls
   * @param requestTimeout how long one call may take
   */
  public record Retry(
      @DefaultValue("5") int attempts,
      @DefaultValue("200ms") Duration backoff,
      @DefaultValue("5s") Duration maxBackoff,
      @DefaultValue("10s") Duration requestTimeout) {}

  /**
   * The identity of the pods Baton creates, which run under the restricted Pod Security profile:
   * non-root, no privilege escalation, no capabilities, the runtime's default seccomp profile, no
   * service-account token.
   *
   * @param runAsUser user of every container (the image's own user is not trusted to be non-root)
   * @param runAsGroup primary group of every container
   * @param fsGroup group that owns the checkpoint volume's files, so every Baton pod can read and
   *     write them; changed only when the volume root's group differs ({@code OnRootMismatch})
   */
  public record PodSecurity(
      @DefaultValue("10001") long runAsUser,
      @DefaultValue("10001") long runAsGroup,
      @DefaultValue("10001") long fsGroup) {}

  /**
   * Node agents authenticating with the service-account token Kubernetes projects into their pod
   * instead of node tokens: the orchestrator asks the API server (TokenReview) whether the token is
   * valid, and for which pod on which node.
   *
   * @param enabled accept such tokens (node tokens keep working)
   * @param audience the audience the agents' tokens are issued for; a token for another audience
   *     (e.g. the API server's) is refused
   * @param serviceAccount the agents' service account in {@code namespace}; tokens of any other
   *     account are refused
   * @param cacheTtl how long a reviewed token is trusted without asking again (never beyond its own
   *     expiry)
   */
  public record AgentAuthentication(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("baton") String audience,
      @DefaultValue("baton-agent") String serviceAccount,
      @DefaultValue("2m") Duration cacheTtl) {}

  /** Settings for tests and examples: everything default in {@code namespace}. */
  static KubernetesProperties defaults(String namespace) {
    return new KubernetesProperties(
        namespace,
        null,
        null,
        "baton/trainer:latest",
        "baton/server:latest",
        "busybox:1.36",
        "baton-checkpoints",
        "/checkpoints",
        "/var/lib/baton/progress",
        29500,
        8000,
        "baton.io/chip-fault",
        "baton.io/hold",
        Duration.ofSeconds(5),
        new Retry(5, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(10)),
        Duration.ofMinutes(5),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        new PodSecurity(10001, 10001, 10001),
        new AgentAuthentication(false, "baton", "baton-agent", Duration.ofMinutes(2)));
  }
}
