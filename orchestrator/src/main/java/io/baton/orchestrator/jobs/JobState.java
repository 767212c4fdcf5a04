package io.baton.orchestrator.jobs;

import io.baton.orchestrator.Decision;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of a training job. This enum owns the allowed transitions; nothing else decides
 * them.
 *
 * <pre>
 * QUEUED → ADMITTED → STARTING → RUNNING → SUCCEEDED | FAILED
 * ADMITTED → FAILED (the backend refused to launch it: nothing ran)
 * STARTING | RUNNING → RECOVERING → ADMITTED (re-placed) | FAILED (restarts exhausted)
 * any non-terminal → CANCELLING → CANCELLED
 * </pre>
 */
@Decision
public enum JobState {
  QUEUED,
  ADMITTED,
  STARTING,
  RUNNING,
  RECOVERING,
  SUCCEEDED,
  FAILED,
  CANCELLING,
  CANCELLED;

  private static final Map<JobState, Set<JobState>> ALLOWED = new EnumMap<>(JobState.class);

  static {
    allow(QUEUED, ADMITTED, CANCELLING);
    allow(ADMITTED, STARTING, FAILED, CANCELLING);
    allow(STARTING, RUNNING, RECOVERING, CANCELLING);
    allow(RUNNING, SUCCEEDED, FAILED, RECOVERING, CANCELLING);
    allow(RECOVERING, ADMITTED, FAILED, CANCELLING);
    allow(CANCELLING, CANCELLED);
    allow(SUCCEEDED);
    allow(FAILED);
    allow(CANCELLED);
  }

  private static void allow(JobState from, JobState... to) {
    ALLOWED.put(
        from,
        Collections.unmodifiableSet(
            to.length == 0 ? EnumSet.noneOf(JobState.class) : EnumSet.of(to[0], to)));
  }

  /** The states this one may move to. */
  public Set<JobState> next() {
    return ALLOWED.get(this);
  }

  public boolean canMoveTo(JobState to) {
    return ALLOWED.get(this).contains(to);
  }

  /** Terminal states never change. */
  public boolean isTerminal() {
    return ALLOWED.get(this).isEmpty();
  }
}
