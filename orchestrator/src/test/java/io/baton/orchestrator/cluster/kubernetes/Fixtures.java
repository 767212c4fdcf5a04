package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.pools.PoolRole;
import io.baton.orchestrator.pools.PoolsProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Pools and settings the Kubernetes backend's tests share. */
final class Fixtures {

  static final String NAMESPACE = "baton";

  static final Pool ASCEND =
      new Pool(
          "ascend",
          PoolRole.TRAINING,
          "ascend-910b",
          2,
          8,
          Map.of("baton.io/pool", "ascend"),
          "huawei.com/Ascend910",
          "topology.baton.io/group",
          List.of(new Pool.Toleration("huawei.com/Ascend910", "Exists", null, "NoSchedule")));

  static final Pool NVIDIA =
      new Pool(
          "nvidia",
          PoolRole.INFERENCE,
          "nvidia-h100",
          2,
          8,
          Map.of("baton.io/pool", "nvidia"),
          "nvidia.com/gpu",
          "topology.baton.io/group",
          List.of(new Pool.Toleration("nvidia.com/gpu", "Exists", null, "NoSchedule")));

  private Fixtures() {}

  static PoolCatalog pools() {
    return new PoolCatalog(new PoolsProperties(List.of(ASCEND, NVIDIA)));
  }

  /** Defaults, with quick retries so failing calls do not slow the tests down. */
  static KubernetesProperties properties() {
    return properties(KubernetesProperties.defaults(NAMESPACE).informerResync());
  }

  /** As {@link #properties()}, with the informers replaying their caches that often. */
  static KubernetesProperties properties(Duration informerResync) {
    KubernetesProperties d = KubernetesProperties.defaults(NAMESPACE);
    return new KubernetesProperties(
        d.namespace(),
        d.kubeconfig(),
        d.masterUrl(),
        d.image(),
        d.servingImage(),
        d.toolsImage(),
        d.checkpointClaim(),
        d.checkpointMountPath(),
        d.progressHostPath(),
        d.masterPort(),
        d.servingPort(),
        d.faultTaintKey(),
        d.holdAnnotation(),
        d.fenceInterval(),
        new KubernetesProperties.Retry(
            4, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5)),
        informerResync,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        d.podSecurity(),
        d.agentAuthentication());
  }
}
