package io.baton.orchestrator.retention;

import io.baton.orchestrator.events.FeedPurge;
import io.baton.orchestrator.jobs.FinishedJobs;
import io.baton.orchestrator.persistence.ClusteredSchedules;
import io.baton.orchestrator.promotion.PromotionService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges events and finished jobs past their retention ({@link Expiry} decides): a clustered Quartz
 * job, so one replica runs it each time. Each kind goes in batches of {@code batch-size}, one
 * transaction each, at most {@code max-batches} per run.
 */
@DisallowConcurrentExecution
class RetentionPurge implements Job {

  private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

  private final FeedPurge feed;
  private final FinishedJobs jobs;
  private final PromotionService promotions;
  private final RetentionProperties properties;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public RetentionPurge(
      FeedPurge feed,
      FinishedJobs jobs,
      PromotionService promotions,
      RetentionProperties properties,
      TransactionTemplate transactions,
      Clock clock) {
    this.feed = feed;
    this.jobs = jobs;
    this.promotions = promotions;
    this.properties = properties;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** What one run deleted. */
  public record Purged(int events, int jobs) {}

  @Override
  public void execute(JobExecutionContext context) {
    run();
  }

  /** One run: finished jobs first (their events stay), then the start of the feed. */
  public Purged run() {
    Instant now = clock.instant();
    int purgedJobs = purgeJobs(Expiry.cutoff(now, properties.finishedJobs()));
    int purgedEvents = purgeEvents(Expiry.cutoff(now, properties.events()));
    if (purgedJobs > 0 || purgedEvents > 0) {
      log.info(
          "Retention purged {} finished jobs older than {} and {} events older than {}",
          purgedJobs,
          properties.finishedJobs(),
          purgedEvents,
          properties.events());
    }
    return new Purged(purgedEvents, purgedJobs);
  }

  int purgeEvents(Instant cutoff) {
    int purged = 0;
    for (int batch = 0; batch < properties.maxBatches(); batch++) {
      Integer deleted =
          transactions.execute(
              status -> {
                List<FeedPurge.Aged> oldest = feed.oldest(properties.batchSize());
                int expired =
                    Expiry.expiredPrefix(oldest.stream().map(FeedPurge.Aged::at).toList(), cutoff);
                return expired == 0 ? 0 : feed.purgeThrough(oldest.get(expired - 1).position());
              });
      purged += deleted;
      if (deleted < properties.batchSize()) {
        break;
      }
    }
    return purged;
  }

  int purgeJobs(Instant cutoff) {
    int purged = 0;
    FinishedJobs.Candidate after = null;
    for (int batch = 0; batch < properties.maxBatches(); batch++) {
      List<FinishedJobs.Candidate> candidates =
          jobs.finishedBefore(cutoff, after, properties.batchSize());
      List<UUID> doomed =
          candidates.stream()
              .filter(c -> Expiry.purgeable(finishedJob(c), cutoff))
              .map(FinishedJobs.Candidate::id)
              .toList();
      purged += transactions.execute(status -> jobs.delete(doomed, promotions::deleteOfJobs));
      if (candidates.size() < properties.batchSize()) {
        break;
      }
      after = candidates.get(candidates.size() - 1);
    }
    return purged;
  }

  private static Expiry.FinishedJob finishedJob(FinishedJobs.Candidate c) {
    return new Expiry.FinishedJob(
        c.id(), c.state(), c.lastActivity(), c.servedByRevision(), c.promotionInFlight());
  }

  @Configuration(proxyBeanMethods = false)
  static class Schedule {

    @Bean
    JobDetail retentionPurgeJob() {
      return ClusteredSchedules.job(RetentionPurge.class, "retention-purge");
    }

    @Bean
    Trigger retentionPurgeTrigger(JobDetail retentionPurgeJob, RetentionProperties properties) {
      return ClusteredSchedules.every(retentionPurgeJob, properties.purgeInterval());
    }
  }
}
