package io.baton.orchestrator.idempotency;

import io.baton.orchestrator.persistence.ClusteredSchedules;
import java.time.Clock;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Purges expired idempotency keys: a clustered Quartz job, so one replica runs it each time. */
@DisallowConcurrentExecution
class IdempotencyKeyPurge implements Job {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyPurge.class);

  private final IdempotencyKeys keys;
  private final IdempotencyProperties properties;
  private final Clock clock;

  public IdempotencyKeyPurge(IdempotencyKeys keys, IdempotencyProperties properties, Clock clock) {
    this.keys = keys;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public void execute(JobExecutionContext context) {
    int purged = keys.purgeCreatedBefore(clock.instant().minus(properties.retention()));
    if (purged > 0) {
      log.info("Purged {} idempotency keys older than {}", purged, properties.retention());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Schedule {

    @Bean
    JobDetail idempotencyKeyPurgeJob() {
      return ClusteredSchedules.job(IdempotencyKeyPurge.class, "idempotency-key-purge");
    }

    @Bean
    Trigger idempotencyKeyPurgeTrigger(
        JobDetail idempotencyKeyPurgeJob, IdempotencyProperties properties) {
      return ClusteredSchedules.every(idempotencyKeyPurgeJob, properties.purgeInterval());
    }
  }
}
