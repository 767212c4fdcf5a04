package io.baton.orchestrator.scheduling;

import java.time.Duration;
import java.util.Map;

/**
 * The rules the planner applies.
 *
 * @param reservationAfter a blocked job that waited this long gets its nodes reserved: lower jobs
 *     stop backfilling onto them
 * @param quotas chips per team per pool (absent: unlimited)
 */
public record SchedulingPolicy(Duration reservationAfter, Map<Snapshot.TeamPool, Integer> quotas) {

  public SchedulingPolicy {
    quotas = Map.copyOf(quotas);
  }
}
