package io.baton.orchestrator.cluster.local;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.cluster.local}.
 *
 * @param agentInterval how often the simulated agents report
 * @param agents whether the simulated nodes get in-process agents (tests may go without)
 * @param stopRanksOnShutdown whether a clean stop of the orchestrator also stops the ranks and
 *     endpoint replicas it runs (grace period, then kill). Off by default: they keep running, and
 *     the next orchestrator on the same data directory adopts them (docs/operations.md)
 */
@ConfigurationProperties("baton.cluster.local")
record LocalProperties(
    @DefaultValue("1s") Duration agentInterval,
    @DefaultValue("true") boolean agents,
    @DefaultValue("false") boolean stopRanksOnShutdown) {}
