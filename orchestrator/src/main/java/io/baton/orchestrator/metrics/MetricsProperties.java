package io.baton.orchestrator.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.metrics}: the fleet gauges (chips, nodes, pools, jobs, promotions, endpoints).
 *
 * @param refreshInterval how often the fleet gauges are read from the database; a scrape serves the
 *     latest reading, so they are at most this old plus one read (a few hundred milliseconds at
 *     5,000 nodes)
 * @param idleAfter readings stop when nothing scraped for this long, and resume with the next
 *     scrape (which serves the old reading, marked by {@code baton_fleet_metrics_age_seconds})
 * @param endedJobs how long a job stays in the per-job series after it ended
 * @param leaderOnly whether only the replica that leads exports the fleet gauges (every replica
 *     would export the same cluster-wide numbers, multiplying the series Prometheus stores)
 */
@ConfigurationProperties("baton.metrics")
record MetricsProperties(
    @DefaultValue("15s") Duration refreshInterval,
    @DefaultValue("5m") Duration idleAfter,
    @DefaultValue("15m") Duration endedJobs,
    @DefaultValue("true") boolean leaderOnly) {}
