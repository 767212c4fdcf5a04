package io.baton.orchestrator.goodput;

import io.baton.orchestrator.persistence.ClusteredSchedules;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Accounts finished jobs into the ledger's history: a clustered Quartz job, so one replica runs it
 * each time, and a job is claimed in the database before it is counted, so no two replicas count
 * it. Each replica's {@code baton_goodput_chip_seconds_total} holds what it accounted: summed over
 * replicas, every finished job is there once.
 */
@DisallowConcurrentExecution
class GoodputAccountant implements Job {

  private static final Logger log = LoggerFactory.getLogger(GoodputAccountant.class);

  private final GoodputService goodput;
  private final GoodputProperties properties;

  public GoodputAccountant(GoodputService goodput, GoodputProperties properties) {
    this.goodput = goodput;
    this.properties = properties;
  }

  @Override
  public void execute(JobExecutionContext context) {
    int accounted = goodput.accountFinished(properties.batchSize());
    if (accounted > 0) {
      log.debug("Accounted {} finished jobs into the goodput ledger", accounted);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Schedule {

    @Bean
    JobDetail goodputAccountantJob() {
      return ClusteredSchedules.job(GoodputAccountant.class, "goodput-accountant");
    }

    @Bean
    Trigger goodputAccountantTrigger(JobDetail goodputAccountantJob, GoodputProperties properties) {
      return ClusteredSchedules.every(goodputAccountantJob, properties.accountInterval());
    }
  }
}
