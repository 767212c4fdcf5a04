package io.baton.orchestrator.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.retention}: how long history is kept.
 *
 * @param events events older than this leave the feed (and the stream's replay)
 * @param finishedJobs jobs SUCCEEDED, FAILED or CANCELLED longer ago than this are deleted with
 *     their progress, checkpoint records, allocations and ended promotions; a job whose checkpoint
 *     an endpoint revision serves or served, or with a promotion in flight, is kept
 * @param batchSize rows deleted per transaction
 * @param maxBatches batches per run and kind, so one run stays bounded; the rest waits for the next
 * @param purgeInterval how often the purge runs (once across the cluster)
 */
@ConfigurationProperties("baton.retention")
record RetentionProperties(
    @DefaultValue("90d") Duration events,
    @DefaultValue("90d") Duration finishedJobs,
    @DefaultValue("1000") int batchSize,
    @DefaultValue("100") int maxBatches,
    @DefaultValue("1h") Duration purgeInterval) {

  public RetentionProperties {
    if (events.isNegative()
        || events.isZero()
        || finishedJobs.isNegative()
        || finishedJobs.isZero()) {
      throw new IllegalArgumentException(
          "baton.retention.events and finished-jobs must be positive");
    }
    if (batchSize < 1 || maxBatches < 1) {
      throw new IllegalArgumentException(
          "baton.retention.batch-size and max-batches must be at least 1");
    }
  }
}
