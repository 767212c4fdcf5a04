package io.baton.orchestrator.promotion;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.promotion}.
 *
 * @param settleTimeout how long a job-started promotion waits, after the job succeeded, for the
 *     agents of its nodes to report once more (so the last checkpoint is known) before it chooses
 * @param reconcileInterval how often promotions are looked at
 * @param automatic whether promotions advance by themselves (tests may switch this off)
 */
@ConfigurationProperties("baton.promotion")
record PromotionProperties(
    @DefaultValue("15s") Duration settleTimeout,
    @DefaultValue("500ms") Duration reconcileInterval,
    @DefaultValue("true") boolean automatic) {}
