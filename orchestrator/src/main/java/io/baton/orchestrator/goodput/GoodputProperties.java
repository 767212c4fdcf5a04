package io.baton.orchestrator.goodput;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.goodput}.
 *
 * @param accountInterval how often finished jobs are accounted into the ledger's history (once
 *     across the cluster); {@code baton_goodput_chip_seconds_total} grows then
 * @param batchSize finished jobs accounted per run at most
 * @param maxDays the longest range {@code GET /api/v1/goodput} answers, in days
 */
@ConfigurationProperties("baton.goodput")
record GoodputProperties(
    @DefaultValue("30s") Duration accountInterval,
    @DefaultValue("200") int batchSize,
    @DefaultValue("366") int maxDays) {}
