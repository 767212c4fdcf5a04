package io.baton.orchestrator.cluster;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The port through which decisions become running processes: {@code local} (child processes) or
 * {@code kubernetes}. Every operation is idempotent and keyed by (job, attempt), so a reconciler
 * may repeat it after a crash.
 */
public interface ClusterBackend {

  /**
   * Starts every rank of an attempt that is not already running.
   *
   * @throws CheckpointDirRefused when the attempt's checkpoint directory leads out of the job's own
   *     place (a backend that can tell): nothing is started
   */
  void launch(Launch launch);

  /** Stops every rank of an attempt (grace period, then kill) and returns when they are gone. */
  void stop(UUID jobId, int attempt);

  /**
   * What the backend knows of each rank of an attempt; empty when it knows nothing of it.
   *
   * @throws ClusterUnavailableException when the backend cannot tell now (its API is unreachable,
   *     its caches are not filled yet): an outage must not read as ranks that are gone
   */
  List<RankState> observe(UUID jobId, int attempt);

  /** The last {@code tail} lines a rank wrote to stdout and stderr. */
  String logs(UUID jobId, int attempt, int rank, int tail);

  /**
   * Where the job's checkpoints live, as the ranks see it (BATON_CHECKPOINT_DIR).
   *
   * @param requested the spec's {@code checkpoint.dir}, or null for the backend's default place
   * @throws CheckpointDirRefused (or another {@link IllegalArgumentException}) when the requested
   *     directory leads out of the place the backend keeps for the job's checkpoints
   */
  String checkpointDir(UUID jobId, String requested);

  /**
   * {@code requested} (null: {@code own} itself) resolved inside {@code own}.
   *
   * @throws IllegalArgumentException when it is absolute or climbs out with {@code ..}
   */
  static java.nio.file.Path inside(java.nio.file.Path own, String requested) {
    if (requested == null) {
      return own;
    }
    java.nio.file.Path path = java.nio.file.Path.of(requested);
    java.nio.file.Path dir = own.resolve(path).normalize();
    boolean climbs = false;
    for (java.nio.file.Path name : path) {
      climbs |= name.toString().equals("..");
    }
    if (path.isAbsolute() || climbs || !dir.startsWith(own)) {
      throw new IllegalArgumentException(
          "checkpoint directory " + requested + " is not inside the job's directory " + own);
    }
    return dir;
  }

  /**
   * Deletes a checkpoint: each of {@code files} (relative to {@code checkpointDir}) that lies in a
   * subdirectory of it takes that whole first-level subdirectory (e.g. {@code step-100/}) with it;
   * a file directly in it goes alone. Files already gone are no error.
   */
  void deleteCheckpointFiles(String checkpointDir, java.util.List<String> files);

  /** Hashes a checkpoint file where the ranks wrote it (SHA-256, hex) and measures its size. */
  FileDigest digest(String file);

  /** A file's SHA-256 and size; {@code exists} false (and the rest empty) when it is not there. */
  record FileDigest(boolean exists, String sha256, long sizeBytes) {}

  /**
   * An attempt to start.
   *
   * @param env the spec's extra environment
   * @param resumeFrom checkpoint file to resume from; null on a first start
   * @param pool the pool the ranks are placed on; null when the backend need not know
   * @param image the spec's container image; null when the backend need not know
   * @param secretEnv names of {@code env} entries whose values are secret: a backend that writes
   *     the environment down somewhere others read (a pod spec) keeps those out of it
   */
  record Launch(
      UUID jobId,
      int attempt,
      List<String> command,
      Map<String, String> env,
      List<RankPlacement> ranks,
      String checkpointDir,
      String resumeFrom,
      String pool,
      String image,
      java.util.Set<String> secretEnv) {

    public Launch {
      secretEnv = secretEnv == null ? java.util.Set.of() : java.util.Set.copyOf(secretEnv);
    }

    public Launch(
        UUID jobId,
        int attempt,
        List<String> command,
        Map<String, String> env,
        List<RankPlacement> ranks,
        String checkpointDir,
        String resumeFrom,
        String pool,
        String image) {
      this(jobId, attempt, command, env, ranks, checkpointDir, resumeFrom, pool, image, null);
    }

    public Launch(
        UUID jobId,
        int attempt,
        List<String> command,
        Map<String, String> env,
        List<RankPlacement> ranks,
        String checkpointDir,
        String resumeFrom) {
      this(jobId, attempt, command, env, ranks, checkpointDir, resumeFrom, null, null, null);
    }
  }

  /** Rank {@code rank} runs on {@code node} with these chips. */
  record RankPlacement(int rank, String node, List<Integer> chips) {}
}
