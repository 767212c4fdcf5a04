package io.baton.orchestrator.cluster;

/**
 * The backend cannot tell what runs right now (its API server is unreachable or its caches are not
 * filled yet). Callers leave everything as it is and ask again later: an outage of the backend is
 * never a failure of the job.
 */
public class ClusterUnavailableException extends RuntimeException {

  public ClusterUnavailableException(String message) {
    super(message);
  }

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
