package io.baton.orchestrator.retention;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.jobs.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What is old enough to purge. */
@Decision
final class Expiry {

  private Expiry() {}

  /** Anything last touched before this instant is past {@code keep}. */
  public static Instant cutoff(Instant now, Duration keep) {
    return now.minus(keep);
  }

  /**
   * How many of the oldest events, given in feed order, may go: the leading run of those older than
   * the cutoff. Stopping at the first younger one keeps the purged part of the feed a prefix, so
   * every position after it stays where it was.
   */
  public static int expiredPrefix(List<Instant> timesInFeedOrder, Instant cutoff) {
    int n = 0;
    while (n < timesInFeedOrder.size() && timesInFeedOrder.get(n).isBefore(cutoff)) {
      n++;
    }
    return n;
  }

  /**
   * A finished job and what may still need it.
   *
   * @param lastActivity when it or one of its promotions last changed
   * @param servedByRevision an endpoint revision serves or served one of its checkpoints
   * @param promotionInFlight one of its promotions has not ended
   */
  public record FinishedJob(
      UUID id,
      JobState state,
      Instant lastActivity,
      boolean servedByRevision,
      boolean promotionInFlight) {}

  /** Whether the job, with everything that hangs off it, may be deleted. */
  public static boolean purgeable(FinishedJob job, Instant cutoff) {
    return job.state().isTerminal()
        && job.lastActivity().isBefore(cutoff)
        && !job.servedByRevision()
        && !job.promotionInFlight();
  }
}
