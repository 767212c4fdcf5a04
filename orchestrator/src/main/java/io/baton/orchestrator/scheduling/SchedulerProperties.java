package io.baton.orchestrator.scheduling;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.scheduler}.
 *
 * @param tickInterval how often the planner runs (once across the cluster); it also runs at once
 *     when a job is submitted
 * @param automatic whether ticks run by themselves (tests switch this off and tick by hand)
 * @param reservationAfter see {@link SchedulingPolicy#reservationAfter()}
 * @param quotas chips a team may hold in a pool
 */
@ConfigurationProperties("baton.scheduler")
record SchedulerProperties(
    @DefaultValue("1s") Duration tickInterval,
    @DefaultValue("true") boolean automatic,
    @DefaultValue("10m") Duration reservationAfter,
    @DefaultValue List<Quota> quotas) {

  /** {@code chips} chips for {@code team} in {@code pool}. */
  public record Quota(String team, String pool, int chips) {}
}
