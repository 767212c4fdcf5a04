package io.baton.orchestrator.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.stream.Stream;

/** Assertions on the pod specs Baton builds: the restricted profile, and no volume root mounted. */
final class Restricted {

  private Restricted() {}

  /**
   * The Kubernetes "restricted" Pod Security profile, and no service-account token; {@code nonRoot}
   * false for a pool whose runtime needs root.
   */
  static void assertRestricted(PodSpec pod, boolean nonRoot) {
    assertThat(pod.getAutomountServiceAccountToken()).as("automountServiceAccountToken").isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot())
        .as("pod runAsNonRoot")
        .isEqualTo(nonRoot);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    if (nonRoot) {
      assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    }
    for (Container c :
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).toList()) {
      assertThat(c.getSecurityContext()).as("securityContext of %s", c.getName()).isNotNull();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isEqualTo(nonRoot);
    }
    assertThat(pod.getVolumes())
        .noneMatch(v -> v.getHostPath() != null && !"progress".equals(v.getName()));
  }

  /** Every mount is a sub-path of its volume: no container sees a shared volume's root. */
  static void assertNoVolumeRoot(PodSpec pod) {
    for (Container c : pod.getContainers()) {
      for (VolumeMount m : c.getVolumeMounts()) {
        assertThat(m.getSubPath())
            .as("subPath of mount %s of %s", m.getName(), c.getName())
            .isNotBlank();
        assertThat(m.getSubPathExpr()).isNull();
        assertThat(m.getMountPath()).endsWith("/" + m.getSubPath());
      }
    }
  }
}
