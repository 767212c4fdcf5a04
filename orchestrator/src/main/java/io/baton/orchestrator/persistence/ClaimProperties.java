package io.baton.orchestrator.persistence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.claims}: row-level claims on work one orchestrator drives at a time (a rollout, a
 * promotion, a task). A claim is a row's {@code claimed_by}/{@code claimed_until}, renewed at each
 * step; no database connection is held between steps.
 *
 * @param timeout how long a claim lasts unless renewed: after an orchestrator dies, another one
 *     takes its rollouts, promotions and tasks over after at most this long
 */
@ConfigurationProperties("baton.claims")
public record ClaimProperties(@DefaultValue("30s") Duration timeout) {}
