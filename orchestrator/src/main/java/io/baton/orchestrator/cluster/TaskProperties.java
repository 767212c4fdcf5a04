package io.baton.orchestrator.cluster;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.tasks}: slow work taken out of the loops (hashing checkpoints for a recovery, …).
 *
 * @param threads threads that run tasks; more tasks than this wait their turn in a queue
 * @param queue tasks that may wait for a thread; a task refused when it is full is started again by
 *     a later pass
 * @param maxAttempts how often a task that failed is started again before its failure is final
 */
@ConfigurationProperties("baton.tasks")
record TaskProperties(
    @DefaultValue("4") int threads,
    @DefaultValue("256") int queue,
    @DefaultValue("3") int maxAttempts) {}
