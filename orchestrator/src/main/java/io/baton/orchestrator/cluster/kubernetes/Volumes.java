package io.baton.orchestrator.cluster.kubernetes;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The two shared volumes and the slices of them a pod mounts. A pod never mounts a volume's root: a
 * rank gets its job's checkpoint directory ({@code checkpoints/<job>}) and its attempt's progress
 * directory ({@code <job>/<attempt>}), each as a {@code subPath} mounted where the full volume
 * would put it, so every path (BATON_CHECKPOINT_DIR, a checkpoint's file, a progress file) reads
 * the same in the pod, in the orchestrator and in the agent, and nothing outside the slice is
 * reachable.
 */
final class Volumes {

  static final String CHECKPOINTS = "checkpoints";
  static final String PROGRESS = "progress";

  private Volumes() {}

  /** A job's own directory on the checkpoint volume, relative to its root. */
  static String jobCheckpoints(UUID job) {
    return "checkpoints/" + job;
  }

  /** An attempt's progress directory, relative to the progress root on the node. */
  static String attemptProgress(UUID job, int attempt) {
    return job + "/" + attempt;
  }

  /** {@code subPath} of the volume mounted at {@code root}, at {@code root/subPath}. */
  static VolumeMount slice(String volume, String root, String subPath, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(Path.of(root).resolve(subPath).normalize().toString())
        .withSubPath(subPath)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }

  /**
   * The top directory of the checkpoint volume that is or holds {@code file} ({@code
   * checkpoints/<job>}, {@code conversions/<promotion>}), relative to the volume's root.
   *
   * @throws IllegalArgumentException when the file is not two levels or more inside the volume
   */
  static String topDirectory(KubernetesProperties p, String file) {
    Path root = Path.of(p.checkpointMountPath()).normalize();
    Path path = Path.of(file).normalize();
    if (!path.startsWith(root) || root.relativize(path).getNameCount() < 2) {
      throw new IllegalArgumentException(
          file + " is not inside a job's or a conversion's directory of " + root);
    }
    return root.relativize(path).subpath(0, 2).toString();
  }

  /** The slice of the checkpoint volume holding {@code file}. */
  static VolumeMount checkpointsHolding(KubernetesProperties p, String file, boolean readOnly) {
    return slice(CHECKPOINTS, p.checkpointMountPath(), topDirectory(p, file), readOnly);
  }

  /** Whether {@code file} lies in a job's or a conversion's directory of the checkpoint volume. */
  static boolean onVolume(KubernetesProperties p, String file) {
    try {
      topDirectory(p, file);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static Volume checkpoints(KubernetesProperties p) {
    return new VolumeBuilder()
        .withName(CHECKPOINTS)
        .withNewPersistentVolumeClaim()
        .withClaimName(p.checkpointClaim())
        .endPersistentVolumeClaim()
        .build();
  }

  static Volume progress(KubernetesProperties p) {
    return new VolumeBuilder()
        .withName(PROGRESS)
        .withNewHostPath()
        .withPath(p.progressHostPath())
        .withType("DirectoryOrCreate")
        .endHostPath()
        .build();
  }
}
