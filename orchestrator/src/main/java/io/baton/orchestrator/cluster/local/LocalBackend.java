package io.baton.orchestrator.cluster.local;

import io.baton.orchestrator.cluster.CheckpointDirRefused;
import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.LaunchContract;
import io.baton.orchestrator.cluster.RankState;
import io.baton.orchestrator.persistence.DataDirProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The local backend: each rank is a process in {@code <data-dir>/work/<job>/<attempt>/rank-<r>}
 * (its output in {@code rank.log} there, its pid and exit status beside it, see {@link
 * LocalProcess}), its progress file in the progress directory of its node's agent. Stopping kills
 * the process tree (grace period, then kill).
 *
 * <p>Ranks outlive the orchestrator: a stop (unless {@code
 * baton.cluster.local.stop-ranks-on-shutdown}) or a kill leaves them running, and the next start on
 * the same data directory adopts every rank it finds there (pid, start instant and {@code
 * BATON_ATTEMPT_ID=<job>/<attempt>/<rank>} in its environment all match), so a restart costs a
 * running job nothing. A rank that ended meanwhile is known by the exit status it left.
 */
@Component
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "local", matchIfMissing = true)
public class LocalBackend implements ClusterBackend, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(LocalBackend.class);

  /** The variable that marks a rank's process: {@code <job>/<attempt>/<rank>}. */
  static final String MARKER = "BATON_ATTEMPT_ID";

  private final Path dataDir;
  private final Path work;
  private final Path checkpoints;
  private final Path root;
  private final Map<String, List<Rank>> attempts = new ConcurrentHashMap<>();
  private final boolean stopRanksOnShutdown;
  private volatile boolean running;

  LocalBackend(DataDirProperties properties, LocalProperties local) {
    this(properties, local, "");
  }

  /**
   * @param home {@code baton.local.home} ({@link LocalHome}; blank: found from the jar)
   */
  @org.springframework.beans.factory.annotation.Autowired
  LocalBackend(
      DataDirProperties properties,
      LocalProperties local,
      @org.springframework.beans.factory.annotation.Value("${baton.local.home:}") String home) {
    this.root = LocalHome.of(home);
    this.stopRanksOnShutdown = local.stopRanksOnShutdown();
    this.dataDir = properties.dataDir().toAbsolutePath().normalize();
    this.work = dataDir.resolve("work");
    this.checkpoints = dataDir.resolve("checkpoints");
  }

  /** The directory a node's agent follows for progress files. */
  public Path progressDir(String node) {
    return dataDir.resolve("nodes").resolve(node).resolve("progress");
  }

  /**
   * The soft faults simulated on a node's chips (SLOW, HANG, LINK_DOWN), which its ranks read at
   * every step: {@code BATON_SIM_FAULTS}. Simulation only: not part of the launch contract, and no
   * other backend sets it.
   */
  public Path simulatedFaults(String node) {
    return dataDir.resolve("nodes").resolve(node).resolve("simulated-faults");
  }

  /**
   * A rank; {@code process} is null when it could not even start (exit code 127, as a shell says).
   */
  private record Rank(int rank, String node, LocalProcess process, Path log, String startError) {
    RankState state() {
      if (process == null) {
        return new RankState(rank, node, 127, "could not start: " + startError, false);
      }
      Integer exit = process.exitCode();
      if (exit != null && process.endedUnseen()) {
        return new RankState(
            rank,
            node,
            exit,
            "ended while no orchestrator watched it, leaving no exit status",
            true);
      }
      if (exit != null && exit != 0) {
        // Why it failed, in the job's events: a missing jar, a bad flag, a traceback's last line.
        String last = lastOutput(log);
        return new RankState(rank, node, exit, last == null ? null : "last output: " + last, false);
      }
      return new RankState(rank, node, exit);
    }

    void kill() {
      if (process != null) {
        process.kill();
      }
    }
  }

  @Override
  public synchronized void launch(Launch launch) {
    if (!running) {
      throw new IllegalStateException("the local backend is stopped; no rank starts now");
    }
    String key = key(launch.jobId(), launch.attempt());
    List<Rank> adopted = attempts.get(key);
    if (adopted != null) {
      // Adopted from an orchestrator that died while it started this attempt: start only the
      // ranks it had not started, on the port the others rendezvous at.
      java.util.Set<Integer> have = new java.util.HashSet<>();
      adopted.forEach(r -> have.add(r.rank()));
      List<RankPlacement> missing =
          launch.ranks().stream().filter(p -> !have.contains(p.rank())).toList();
      if (missing.isEmpty()) {
        return;
      }
      int masterPort = masterPort(launch).orElseGet(LocalBackend::freePort);
      List<Rank> ranks = new ArrayList<>(adopted);
      missing.forEach(p -> ranks.add(start(launch, p, masterPort)));
      attempts.put(key, ranks);
      log.info(
          "Completed adopted attempt {} of job {}: started {} of its {} ranks",
          launch.attempt(),
          launch.jobId(),
          missing.size(),
          launch.ranks().size());
      return;
    }
    requireContained(launch.jobId(), launch.checkpointDir());
    int masterPort = freePort();
    try {
      Path attemptDir = attemptDir(launch);
      Files.createDirectories(attemptDir);
      Files.writeString(attemptDir.resolve(MASTER_PORT_FILE), masterPort + "\n");
    } catch (IOException e) {
      log.warn("Cannot record the master port of job {}: {}", launch.jobId(), e.toString());
    }
    List<Rank> ranks = new ArrayList<>();
    for (RankPlacement placement : launch.ranks()) {
      ranks.add(start(launch, placement, masterPort));
    }
    attempts.put(key, ranks);
    log.info(
        "Launched job {} attempt {}: {} ranks", launch.jobId(), launch.attempt(), ranks.size());
  }

  private Rank start(Launch launch, RankPlacement placement, int masterPort) {
    try {
      return spawn(launch, placement, masterPort);
    } catch (IOException e) {
      log.warn(
          "Rank {} of job {} could not start: {}",
          placement.rank(),
          launch.jobId(),
          e.getMessage());
      return new Rank(placement.rank(), placement.node(), null, null, e.getMessage());
    }
  }

  private Rank spawn(Launch launch, RankPlacement placement, int masterPort) throws IOException {
    Path dir =
        work.resolve(launch.jobId().toString())
            .resolve(Integer.toString(launch.attempt()))
            .resolve("rank-" + placement.rank());
    Files.createDirectories(dir);
    Path progress =
        progressDir(placement.node())
            .resolve(launch.jobId().toString())
            .resolve(Integer.toString(launch.attempt()))
            .resolve("rank-" + placement.rank() + ".jsonl");
    Files.createDirectories(progress.getParent());
    Map<String, String> env =
        LaunchContract.env(
            launch.jobId(),
            launch.attempt(),
            placement.rank(),
            launch.ranks().size(),
            "127.0.0.1",
            masterPort,
            progress.toString(),
            launch.checkpointDir(),
            launch.resumeFrom(),
            placement.chips(),
            "ASCEND_RT_VISIBLE_DEVICES",
            launch.env());
    env.put("BATON_LOCAL_ROOT", root.toString());
    env.put("BATON_WORK_DIR", dir.toString());
    env.put("BATON_SIM_FAULTS", simulatedFaults(placement.node()).toString());
    env.put(MARKER, marker(launch.jobId(), launch.attempt(), placement.rank()));
    List<String> command = LaunchContract.expand(launch.command(), env);
    // Before the fork: where it runs, for an orchestrator that must adopt it without a pid file.
    Files.writeString(dir.resolve(NODE_FILE), placement.node() + "\n");
    try {
      LocalProcess process =
          LocalProcess.start(command, env, dir, dir.resolve("rank.log"), placement.node());
      return new Rank(placement.rank(), placement.node(), process, dir.resolve("rank.log"), null);
    } catch (IOException e) {
      Files.writeString(
          dir.resolve("rank.log"),
          "baton: cannot start " + launch.command() + ": " + e.getMessage() + "\n");
      throw e;
    }
  }

  private static String marker(UUID jobId, int attempt, int rank) {
    return jobId + "/" + attempt + "/" + rank;
  }

  @Override
  public void stop(UUID jobId, int attempt) {
    List<Rank> ranks = attempts.get(key(jobId, attempt));
    if (ranks != null) {
      ranks.forEach(Rank::kill);
    }
  }

  @Override
  public List<RankState> observe(UUID jobId, int attempt) {
    List<Rank> ranks = attempts.get(key(jobId, attempt));
    if (ranks == null) {
      return List.of();
    }
    return ranks.stream().map(Rank::state).toList();
  }

  @Override
  public String logs(UUID jobId, int attempt, int rank, int tail) {
    Path file =
        work.resolve(jobId.toString())
            .resolve(Integer.toString(attempt))
            .resolve("rank-" + rank)
            .resolve("rank.log");
    try {
      List<String> lines = LogTail.lines(file, tail);
      return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code <data-dir>/checkpoints/<job>}, or the spec's directory inside it (a relative one is
   * resolved against it; an absolute one must lie in it); created unless a symbolic link on the way
   * leads out of the job's directory, which {@link #launch} then refuses. Reading what a job wrote
   * (listing its checkpoints) still finds the directory: only acting on it is refused.
   *
   * @throws CheckpointDirRefused when the requested directory lies outside the job's own ({@code
   *     ..}, an absolute path elsewhere): the spec can never run here
   */
  @Override
  public String checkpointDir(UUID jobId, String requested) {
    Path own = checkpoints.resolve(jobId.toString());
    Path dir;
    try {
      dir = requested == null ? own : Containment.resolve(own, requested);
    } catch (IllegalArgumentException e) {
      throw new CheckpointDirRefused(jobId, e.getMessage());
    }
    if (staysInside(own, dir)) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir.toString();
  }

  /** Refuses a checkpoint directory that leads out of the job's own, in its text or on disk. */
  private void requireContained(UUID jobId, String checkpointDir) {
    Path own = checkpoints.resolve(jobId.toString());
    Path dir = Path.of(checkpointDir).toAbsolutePath().normalize();
    if (!dir.startsWith(own)) {
      throw new CheckpointDirRefused(jobId, "'" + checkpointDir + "' is not inside " + own);
    }
    if (!staysInside(own, dir)) {
      throw new CheckpointDirRefused(
          jobId, "'" + checkpointDir + "' leads out of " + own + " through a symbolic link");
    }
  }

  /**
   * Hashes a file inside the data directory. A file under {@code checkpoints/<job>/} must stay in
   * that job's directory, anything else in the data directory: a symbolic link leading out reads as
   * no file, so a rank cannot have Baton hash (or verify, and then serve) a file elsewhere.
   */
  @Override
  public FileDigest digest(String file) {
    Path path = Path.of(file).toAbsolutePath().normalize();
    Path area = area(path);
    if (area == null || !staysInside(area, path)) {
      log.warn("Not hashing {}: it lies outside {}", file, area == null ? dataDir : area);
      return new FileDigest(false, null, 0);
    }
    if (!Files.isRegularFile(path)) {
      return new FileDigest(false, null, 0);
    }
    try {
      long size = Files.size(path);
      return new FileDigest(true, io.baton.orchestrator.cluster.ResumePoint.sha256(path), size);
    } catch (IOException e) {
      return new FileDigest(false, null, 0);
    }
  }

  /**
   * Whether {@code path} stays inside {@code area} on disk, and {@code area} inside the data
   * directory (a job's directory that is itself a link out would take its files along).
   */
  private boolean staysInside(Path area, Path path) {
    return Containment.staysInside(dataDir, area) && Containment.staysInside(area, path);
  }

  /** The directory a file must stay in: its job's checkpoint directory, or the data directory. */
  private Path area(Path path) {
    if (path.startsWith(checkpoints) && path.getNameCount() > checkpoints.getNameCount()) {
      return checkpoints.resolve(path.getName(checkpoints.getNameCount()));
    }
    return path.startsWith(dataDir) ? dataDir : null;
  }

  @Override
  public void deleteCheckpointFiles(String checkpointDir, List<String> files) {
    Path base = Path.of(checkpointDir).toAbsolutePath().normalize();
    Path area = area(base);
    if (area == null || !staysInside(area, base)) {
      throw new IllegalArgumentException(
          base + " leads out of " + (area == null ? dataDir : area) + "; nothing deleted");
    }
    for (String name : files) {
      Path file = base.resolve(name).normalize();
      if (!file.startsWith(base) || file.equals(base)) {
        throw new IllegalArgumentException(name + " is not inside " + base);
      }
      Path doomed = base.resolve(base.relativize(file).getName(0));
      try (Stream<Path> tree = Files.walk(doomed)) {
        for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        // Deleted before.
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + doomed, e);
      }
    }
  }

  /** Terminates the process and its descendants: a grace period, then a kill. */
  static void kill(Process process) {
    LocalProcess.kill(process.toHandle());
  }

  /**
   * Adopts the ranks a previous orchestrator left in {@code work/<job>/<attempt>/rank-<r>}: those
   * still running, and those that ended meanwhile (their exit status tells how).
   */
  private void adopt() {
    if (!Files.isDirectory(work)) {
      return;
    }
    Map<String, List<Rank>> found = new java.util.TreeMap<>();
    // Every rank directory, with a pid file or not: an orchestrator killed between starting a rank
    // and writing its pid file leaves the rank running without one (LocalProcess#adopt finds it).
    try (Stream<Path> files = Files.walk(work, 3)) {
      files
          .filter(f -> f.getFileName().toString().startsWith("rank-") && Files.isDirectory(f))
          .forEach(dir -> adopt(dir, found));
    } catch (IOException e) {
      log.warn("Cannot look for ranks left running in {}: {}", work, e.toString());
    }
    attempts.putAll(found);
    long alive =
        found.values().stream()
            .flatMap(List::stream)
            .filter(r -> r.process() != null && r.process().exitCode() == null)
            .count();
    if (!found.isEmpty()) {
      log.info(
          "Adopted {} attempts left by a previous run: {} ranks still running",
          found.size(),
          alive);
    }
  }

  private static final String NODE_FILE = "node";
  private static final String MASTER_PORT_FILE = "master-port";

  private Path attemptDir(Launch launch) {
    return work.resolve(launch.jobId().toString()).resolve(Integer.toString(launch.attempt()));
  }

  private java.util.Optional<Integer> masterPort(Launch launch) {
    try {
      return java.util.Optional.of(
          Integer.valueOf(Files.readString(attemptDir(launch).resolve(MASTER_PORT_FILE)).trim()));
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  private static java.util.Optional<String> nodeFile(Path dir) {
    try {
      String node = Files.readString(dir.resolve(NODE_FILE)).trim();
      return node.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(node);
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** The last non-blank line a rank wrote (at most 300 characters); null when there is none. */
  static String lastOutput(Path log) {
    if (log == null) {
      return null;
    }
    try {
      List<String> lines = LogTail.lines(log, 20);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i).strip();
        if (!line.isEmpty()) {
          return line.length() > 300 ? line.substring(0, 300) + "…" : line;
        }
      }
    } catch (IOException e) {
      // no output to show
    }
    return null;
  }

  private void adopt(Path dir, Map<String, List<Rank>> found) {
    try {
      Path relative = work.relativize(dir);
      if (relative.getNameCount() != 3 || !relative.getName(2).toString().startsWith("rank-")) {
        return;
      }
      UUID jobId = UUID.fromString(relative.getName(0).toString());
      int attempt = Integer.parseInt(relative.getName(1).toString());
      int rank = Integer.parseInt(relative.getName(2).toString().substring("rank-".length()));
      String node =
          LocalProcess.recorded(dir)
              .map(LocalProcess.Recorded::node)
              .or(() -> nodeFile(dir))
              .orElse(null);
      LocalProcess.adopt(dir, MARKER, marker(jobId, attempt, rank))
          .ifPresent(
              p ->
                  found
                      .computeIfAbsent(key(jobId, attempt), k -> new ArrayList<>())
                      .add(new Rank(rank, node, p, dir.resolve("rank.log"), null)));
    } catch (RuntimeException e) {
      log.warn("Cannot adopt the rank recorded in {}: {}", dir, e.toString());
    }
  }

  @Override
  public void start() {
    adopt();
    running = true;
  }

  /**
   * Leaves the ranks running (the next orchestrator adopts them), or stops them when {@code
   * baton.cluster.local.stop-ranks-on-shutdown} says so.
   */
  @Override
  public synchronized void stop() {
    running = false;
    if (stopRanksOnShutdown) {
      attempts.values().forEach(ranks -> ranks.forEach(Rank::kill));
    } else {
      long alive =
          attempts.values().stream()
              .flatMap(List::stream)
              .filter(r -> r.process() != null && r.process().exitCode() == null)
              .count();
      if (alive > 0) {
        log.info("Leaving {} ranks running for the next orchestrator to adopt", alive);
      }
    }
    attempts.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private static String key(UUID jobId, int attempt) {
    return jobId + "/" + attempt;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
