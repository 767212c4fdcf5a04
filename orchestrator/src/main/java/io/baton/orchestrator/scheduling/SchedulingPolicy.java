package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.faults.StragglerPolicy;
import java.time.Duration;
import java.util.Map;

/**
 * The rules the planner applies.
 *
 * @param reservationAfter a blocked job that waited this long gets its nodes reserved: lower jobs
 *     stop backfilling onto them
 * @param quotas chips per team per pool (absent: unlimited)
 * @param stragglerPolicies each pool's straggler policy (absent: {@code observe}); where it is
 *     {@code avoid} or {@code replace}, suspect nodes are used last
 */
record SchedulingPolicy(
    Duration reservationAfter,
    Map<Snapshot.TeamPool, Integer> quotas,
    Map<String, StragglerPolicy> stragglerPolicies) {

  public SchedulingPolicy {
    quotas = Map.copyOf(quotas);
    stragglerPolicies = Map.copyOf(stragglerPolicies);
  }

  /** Rules without straggler policies: every pool observes. */
  public SchedulingPolicy(Duration reservationAfter, Map<Snapshot.TeamPool, Integer> quotas) {
    this(reservationAfter, quotas, Map.of());
  }

  /** Whether the planner uses the pool's suspect nodes last. */
  boolean avoidsSuspects(String pool) {
    return stragglerPolicies.getOrDefault(pool, StragglerPolicy.OBSERVE).avoidsSuspects();
  }
}
