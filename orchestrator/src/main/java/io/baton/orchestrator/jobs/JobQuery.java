package io.baton.orchestrator.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * Filters of the job list; null means any.
 *
 * @param state only jobs in this state
 * @param team only this team's jobs
 * @param pool only jobs on this pool
 */
public record JobQuery(JobState state, String team, String pool) {

  /** Identifies the list and its filters, so a cursor is only valid for the list it came from. */
  String scope() {
    return "jobs|" + state + "|" + team + "|" + pool;
  }

  /** Where a page ended: the last job's creation time and id. */
  record Position(Instant createdAt, UUID id) {}
}
