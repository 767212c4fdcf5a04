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
 * @param linger how long the writer lets reports gather while fewer than {@code minBatch} wait: a
 *     transaction has a fixed cost, and a handful of reports per commit spends much of the
 *     database's time on it; zero writes at once
 * @param minBatch below this many waiting reports the writer lingers
 * @param writers writer threads, each with its own database connection; a node's reports always go
 *     to the same one
 */
@ConfigurationProperties("baton.ingest")
record IngestProperties(
    @DefaultValue("1000") int maxBatch,
    @DefaultValue("20000") int queueCapacity,
    @DefaultValue("10s") Duration responseTimeout,
    @DefaultValue("2000") int maxProgressPointsPerJob,
    @DefaultValue("20ms") Duration linger,
    @DefaultValue("100") int minBatch,
    @DefaultValue("2") int writers) {}
