package io.baton.orchestrator.checkpoints;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.checkpoints}.
 *
 * @param keepLast how many of a job's newest checkpoints retention keeps, unless the spec says
 *     otherwise ({@code checkpoint.keepLast}); the best by the promotion metric and every promoted
 *     one are kept as well
 * @param retentionInterval how often retention looks at jobs with more checkpoints than that
 */
@ConfigurationProperties("baton.checkpoints")
record CheckpointProperties(
    @DefaultValue("3") int keepLast, @DefaultValue("30s") Duration retentionInterval) {}
