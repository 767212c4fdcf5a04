package io.baton.orchestrator.ingest;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.ingest}: how agent reports are written.
 *
 * @param maxBatch reports written in one transaction at most
 * @param queueCapacity reports waiting to be written; beyond it agents get 503 and retry
 * @param responseTimeout how long a request waits for its report to be written
 * @param maxProgressPointsPerJob the progress series of a job is thinned beyond this many points
 */
@ConfigurationProperties("baton.ingest")
public record IngestProperties(
    @DefaultValue("1000") int maxBatch,
    @DefaultValue("20000") int queueCapacity,
    @DefaultValue("10s") Duration responseTimeout,
    @DefaultValue("2000") int maxProgressPointsPerJob) {}
