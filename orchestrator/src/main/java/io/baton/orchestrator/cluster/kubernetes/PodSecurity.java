package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.pools.Pool;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The security settings of every pod Baton creates (ranks, serving replicas and canaries,
 * converters, file helpers): the Kubernetes "restricted" Pod Security profile — a non-root user, no
 * privilege escalation, every capability dropped, the runtime's default seccomp profile — and no
 * service-account token, since none of them talks to the API server. A pool whose runtime needs
 * root ({@link Pool#runAsRoot()}) keeps everything but the non-root user.
 */
final class PodSecurity {

  private PodSecurity() {}

  /** For a pod running on {@code pool}; null: a helper pod of Baton's own, never root. */
  static PodSecurityContext pod(Pool pool, KubernetesProperties p) {
    boolean root = pool != null && pool.runAsRoot();
    KubernetesProperties.PodSecurity identity = p.podSecurity();
    PodSecurityContextBuilder context =
        new PodSecurityContextBuilder()
            .withRunAsNonRoot(!root)
            .withFsGroup(identity.fsGroup())
            .withFsGroupChangePolicy("OnRootMismatch")
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile();
    if (root) {
      context.withRunAsUser(0L).withRunAsGroup(0L);
    } else {
      context.withRunAsUser(identity.runAsUser()).withRunAsGroup(identity.runAsGroup());
    }
    return context.build();
  }

  static SecurityContext container(Pool pool) {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withRunAsNonRoot(pool == null || !pool.runAsRoot())
        .withNewCapabilities()
        .addToDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }
}
