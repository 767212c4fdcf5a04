package io.baton.orchestrator.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.recovery}.
 *
 * @param maxInfraRestarts relaunches after infrastructure failures (chip FAULT, node LOST) before a
 *     job FAILS; application failures count against the spec's {@code maxRestarts}
 * @param reconcileInterval how often running jobs are looked at
 * @param automatic whether jobs are followed by themselves (tests switch this off)
 */
@ConfigurationProperties("baton.recovery")
public record RecoveryProperties(
    @DefaultValue("10") int maxInfraRestarts,
    @DefaultValue("500ms") Duration reconcileInterval,
    @DefaultValue("true") boolean automatic) {}
