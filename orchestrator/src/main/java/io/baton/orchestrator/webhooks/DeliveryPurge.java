package io.baton.orchestrator.webhooks;

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

/** Forgets delivered and failed deliveries past their retention; pending ones are kept. */
@DisallowConcurrentExecution
class DeliveryPurge implements Job {

  private static final Logger log = LoggerFactory.getLogger(DeliveryPurge.class);

  private final DeliveryRepository deliveries;
  private final WebhooksProperties properties;
  private final Clock clock;

  public DeliveryPurge(DeliveryRepository deliveries, WebhooksProperties properties, Clock clock) {
    this.deliveries = deliveries;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public void execute(JobExecutionContext context) {
    int purged = deliveries.purgeFinishedBefore(clock.instant().minus(properties.retention()));
    if (purged > 0) {
      log.info("Purged {} webhook deliveries older than {}", purged, properties.retention());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Schedule {

    @Bean
    JobDetail webhookDeliveryPurgeJob() {
      return ClusteredSchedules.job(DeliveryPurge.class, "webhook-delivery-purge");
    }

    @Bean
    Trigger webhookDeliveryPurgeTrigger(
        JobDetail webhookDeliveryPurgeJob, WebhooksProperties properties) {
      return ClusteredSchedules.every(webhookDeliveryPurgeJob, properties.purgeInterval());
    }
  }
}
