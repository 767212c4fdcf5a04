package io.baton.orchestrator.jobs;

import io.baton.orchestrator.problems.ProblemException;
import java.util.UUID;

/** The job changed since it was read (optimistic version check failed). */
class ConcurrentJobChange extends ProblemException {

  public ConcurrentJobChange(UUID id, long expectedVersion) {
    super(
        409,
        "concurrent-change",
        "Concurrent change",
        "Job " + id + " changed since version " + expectedVersion + "; read it again and retry.");
  }
}
