package io.baton.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one rank of {@code train} needs: the launch contract (environment) plus the flags.
 *
 * @param resumeFrom a {@code step-N} directory or its {@code model.safetensors}; null on a first
 *     start
 * @param stepMillis simulated compute per step, before the gradient exchange
 * @param simulatedFaults {@code BATON_SIM_FAULTS}, the soft faults a simulated node's chips suffer
 *     (local backend only, see {@link SimulatedFaults}); null when unset
 * @param chips the rank's chips, {@code ASCEND_RT_VISIBLE_DEVICES}
 */
record TrainConfig(
    String jobId,
    int rank,
    int worldSize,
    String masterAddr,
    int masterPort,
    Path progressFile,
    Path checkpointDir,
    Path resumeFrom,
    int steps,
    int checkpointEvery,
    long stepMillis,
    int batch,
    double lr,
    long seed,
    int features,
    Duration peerTimeout,
    Duration rendezvousTimeout,
    Path simulatedFaults,
    Set<Integer> chips) {

  static final Set<String> FLAGS =
      Set.of(
          "steps",
          "checkpoint-every",
          "step-millis",
          "batch",
          "lr",
          "seed",
          "features",
          "peer-timeout",
          "rendezvous-timeout");

  static final int DEFAULT_MASTER_PORT = 29500;

  TrainConfig {
    Objects.requireNonNull(jobId);
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw DemoException.usage("rank " + rank + " is outside world size " + worldSize);
    }
    if (batch < worldSize) {
      throw DemoException.usage(
          "--batch " + batch + " leaves some of " + worldSize + " ranks idle");
    }
    if (peerTimeout.isNegative() || peerTimeout.isZero()) {
      throw DemoException.usage("--peer-timeout must be positive");
    }
    if (rendezvousTimeout.isNegative() || rendezvousTimeout.isZero()) {
      throw DemoException.usage("--rendezvous-timeout must be positive");
    }
    chips = chips == null ? Set.of() : Set.copyOf(chips);
  }

  static TrainConfig from(Map<String, String> env, List<String> args) {
    Flags flags = Flags.parse(args, FLAGS);
    int rank = envInt(env, "RANK", 0);
    String jobId = env(env, "BATON_JOB_ID", null);
    Path checkpointDir = Path.of(env(env, "BATON_CHECKPOINT_DIR", "checkpoints"));
    return new TrainConfig(
        jobId == null ? "local" : jobId,
        rank,
        envInt(env, "WORLD_SIZE", 1),
        env(env, "MASTER_ADDR", "127.0.0.1"),
        envInt(env, "MASTER_PORT", DEFAULT_MASTER_PORT),
        Path.of(env(env, "BATON_PROGRESS_FILE", "rank-" + rank + ".jsonl")),
        checkpointDir,
        resumePath(env(env, "BATON_RESUME_FROM", null), checkpointDir),
        flags.integer("steps", 600, 1),
        flags.integer("checkpoint-every", 100, 1),
        flags.integer("step-millis", 80, 0),
        flags.integer("batch", 64, 1),
        flags.positive("lr", 0.05),
        flags.longValue("seed", 42),
        flags.integer("features", 24, 1),
        flags.duration("peer-timeout", Duration.ofSeconds(30)),
        flags.duration("rendezvous-timeout", Duration.ofMinutes(2)),
        Optional.ofNullable(env(env, "BATON_SIM_FAULTS", null)).map(Path::of).orElse(null),
        chips(env.get("ASCEND_RT_VISIBLE_DEVICES")));
  }

  /** The soft faults this rank's chips suffer, as the local backend simulates them. */
  SimulatedFaults faults() {
    return simulatedFaults == null
        ? SimulatedFaults.NONE
        : new SimulatedFaults(simulatedFaults, chips);
  }

  /** {@code 0,1,7} as chip numbers; what is not a number is skipped. */
  private static Set<Integer> chips(String visible) {
    Set<Integer> chips = new java.util.TreeSet<>();
    if (visible != null) {
      for (String chip : visible.split(",")) {
        try {
          chips.add(Integer.parseInt(chip.strip()));
        } catch (NumberFormatException e) {
          // not a chip number
        }
      }
    }
    return chips;
  }

  boolean isRankZero() {
    return rank == 0;
  }

  /**
   * What ranks must agree on to compute the same thing; rank 0 refuses peers whose value differs.
   */
  long fingerprint() {
    return Objects.hash(seed, steps, batch, Double.doubleToLongBits(lr), features, worldSize);
  }

  /**
   * {@code BATON_<name>} first, then the torchrun name, then the fallback; blank counts as unset.
   */
  private static String env(Map<String, String> env, String name, String fallback) {
    String baton = name.startsWith("BATON_") ? name : "BATON_" + name;
    String value = env.get(baton);
    if (value == null || value.isBlank()) {
      value = name.startsWith("BATON_") ? null : env.get(name);
    }
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static int envInt(Map<String, String> env, String name, int fallback) {
    String value = env(env, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw DemoException.usage(name + " must be an integer, got '" + value + "'");
    }
  }

  /** A relative resume path that does not exist here is taken relative to the checkpoint dir. */
  private static Path resumePath(String value, Path checkpointDir) {
    if (value == null) {
      return null;
    }
    Path path = Path.of(value);
    return path.isAbsolute() || Files.exists(path) ? path : checkpointDir.resolve(path);
  }
}
