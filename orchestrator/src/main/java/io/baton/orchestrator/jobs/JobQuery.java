package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Filters of the job list; null means any.
 *
 * @param state only jobs in this state
 * @param team only this team's jobs
 * @param pool only jobs on this pool
 * @param visibleTeams only jobs of these teams (the caller's); null for every team
 */
record JobQuery(JobState state, String team, String pool, Set<String> visibleTeams) {

  public JobQuery(JobState state, String team, String pool) {
    this(state, team, pool, null);
  }

  /** Identifies the list and its filters, so a cursor is only valid for the list it came from. */
  String scope() {
    return "jobs|" + state + "|" + team + "|" + pool;
  }

  /** Where a page ended: the last job's creation time and id. */
  record Position(Instant createdAt, UUID id) {}
}
