package io.baton.orchestrator.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.idempotency}.
 *
 * @param retention how long a key is remembered; older ones are purged hourly
 * @param purgeInterval how often the purge runs (once across the cluster)
 */
@ConfigurationProperties("baton.idempotency")
record IdempotencyProperties(
    @DefaultValue("24h") Duration retention, @DefaultValue("1h") Duration purgeInterval) {}
