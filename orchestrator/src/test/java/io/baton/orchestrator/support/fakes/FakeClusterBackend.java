package io.baton.orchestrator.support.fakes;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.RankState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An in-memory {@link ClusterBackend}: launches are recorded and start every rank running on its
 * node; a test then sets a rank's state ({@link #exit}, {@link #lose}) and reads what the runner
 * asked for ({@link #launches()}, {@link #stops()}). Deterministic: nothing runs, nothing waits.
 */
public final class FakeClusterBackend implements ClusterBackend {

  /** A stop the runner asked for. */
  public record Stop(UUID jobId, int attempt) {}

  private final Path root;
  private final List<Launch> launches = new ArrayList<>();
  private final List<Stop> stops = new ArrayList<>();
  private final Map<String, Map<Integer, RankState>> ranks = new HashMap<>();
  private volatile java.util.function.Consumer<Launch> onLaunch = launch -> {};

  /** Checkpoint directories live under {@code root}/{job}. */
  public FakeClusterBackend(Path root) {
    this.root = root;
  }

  /** Runs {@code hook} on each launch, once recorded (e.g. to lose the lease mid-pass). */
  public void onLaunch(java.util.function.Consumer<Launch> hook) {
    onLaunch = hook;
  }

  @Override
  public void launch(Launch launch) {
    record(launch);
    onLaunch.accept(launch);
  }

  private synchronized void record(Launch launch) {
    launches.add(launch);
    Map<Integer, RankState> attempt =
        ranks.computeIfAbsent(key(launch.jobId(), launch.attempt()), k -> new HashMap<>());
    for (RankPlacement p : launch.ranks()) {
      attempt.putIfAbsent(p.rank(), new RankState(p.rank(), p.node(), null));
    }
  }

  @Override
  public synchronized void stop(UUID jobId, int attempt) {
    stops.add(new Stop(jobId, attempt));
    ranks.remove(key(jobId, attempt));
  }

  @Override
  public synchronized List<RankState> observe(UUID jobId, int attempt) {
    return ranks.getOrDefault(key(jobId, attempt), Map.of()).values().stream()
        .sorted(java.util.Comparator.comparingInt(RankState::rank))
        .toList();
  }

  /** Rank {@code rank} of the attempt ends by itself with {@code exitCode}. */
  public synchronized void exit(UUID jobId, int attempt, int rank, int exitCode) {
    RankState now = rank(jobId, attempt, rank);
    ranks.get(key(jobId, attempt)).put(rank, new RankState(rank, now.node(), exitCode));
  }

  /** Every rank of the attempt ends by itself with {@code exitCode}. */
  public synchronized void exitAll(UUID jobId, int attempt, int exitCode) {
    for (RankState r : observe(jobId, attempt)) {
      exit(jobId, attempt, r.rank(), exitCode);
    }
  }

  /** Rank {@code rank} ends because of the machine (its node vanished): {@code reason}. */
  public synchronized void lose(UUID jobId, int attempt, int rank, String reason) {
    RankState now = rank(jobId, attempt, rank);
    ranks.get(key(jobId, attempt)).put(rank, new RankState(rank, now.node(), 137, reason, true));
  }

  public synchronized List<Launch> launches() {
    return List.copyOf(launches);
  }

  public synchronized List<Stop> stops() {
    return List.copyOf(stops);
  }

  @Override
  public String logs(UUID jobId, int attempt, int rank, int tail) {
    return "";
  }

  @Override
  public String checkpointDir(UUID jobId, String requested) {
    return ClusterBackend.inside(root.resolve(jobId.toString()), requested).toString();
  }

  @Override
  public void deleteCheckpointFiles(String checkpointDir, List<String> files) {}

  @Override
  public FileDigest digest(String file) {
    return new FileDigest(false, null, 0);
  }

  private RankState rank(UUID jobId, int attempt, int rank) {
    Map<Integer, RankState> attempt0 = ranks.get(key(jobId, attempt));
    if (attempt0 == null || !attempt0.containsKey(rank)) {
      throw new IllegalStateException(
          "rank " + rank + " of " + jobId + "/" + attempt + " was never launched");
    }
    return attempt0.get(rank);
  }

  private static String key(UUID jobId, int attempt) {
    return jobId + "/" + attempt;
  }
}
