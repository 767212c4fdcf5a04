package io.baton.orchestrator.jobs;

import io.baton.orchestrator.problems.ProblemException;
import java.util.Map;

/** A transition the lifecycle does not allow. */
class IllegalJobStateChange extends ProblemException {

  private final JobState from;
  private final JobState to;

  public IllegalJobStateChange(JobState from, JobState to) {
    super(
        409,
        "illegal-state-change",
        "Illegal job state change",
        "A job cannot move from "
            + from
            + " to "
            + to
            + "; from "
            + from
            + " it may move to "
            + (from.next().isEmpty() ? "nothing (terminal)" : from.next())
            + ".");
    this.from = from;
    this.to = to;
  }

  public JobState from() {
    return from;
  }

  public JobState to() {
    return to;
  }

  @Override
  public Map<String, Object> properties() {
    return Map.of("state", from, "requested", to);
  }
}
