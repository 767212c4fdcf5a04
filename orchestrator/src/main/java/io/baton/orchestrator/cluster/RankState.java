package io.baton.orchestrator.cluster;

/**
 * One rank as the backend sees it.
 *
 * @param node where it runs (or is meant to run while it waits for one)
 * @param exitCode null while it runs
 * @param reason why it ended when the exit code alone does not tell ({@code OOMKilled}, {@code
 *     ImagePullBackOff: ...}, {@code node gone}); null otherwise
 * @param infrastructure whether it ended because of the machine rather than the program (its node
 *     vanished, it was evicted), which recovery counts against the infrastructure budget
 */
public record RankState(
    int rank, String node, Integer exitCode, String reason, boolean infrastructure) {

  /** A rank that runs, or ended by itself with {@code exitCode}. */
  public RankState(int rank, String node, Integer exitCode) {
    this(rank, node, exitCode, null, false);
  }

  public boolean running() {
    return exitCode == null;
  }
}
