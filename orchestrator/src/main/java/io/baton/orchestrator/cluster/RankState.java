package io.baton.orchestrator.cluster;

/**
 * One rank as the backend sees it.
 *
 * @param exitCode null while it runs
 */
public record RankState(int rank, String node, Integer exitCode) {

  public boolean running() {
    return exitCode == null;
  }
}
