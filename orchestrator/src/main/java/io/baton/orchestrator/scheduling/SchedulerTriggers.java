package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.jobs.JobSubmitted;
import io.baton.orchestrator.persistence.ClusteredSchedules;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * When the scheduler runs: every {@code baton.scheduler.tick-interval} as a clustered Quartz job,
 * and at once (on this replica) after a job is submitted. Kicks that arrive while a round runs
 * coalesce into one more round. On stop, no kick starts a round any more and a round in progress
 * ends before the connection pool closes (Quartz's own rounds: {@code
 * spring.quartz.wait-for-jobs-to-complete-on-shutdown}).
 */
@Component
@ConditionalOnProperty(
    name = "baton.scheduler.automatic",
    havingValue = "true",
    matchIfMissing = true)
public class SchedulerTriggers implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SchedulerTriggers.class);

  private final SchedulerTick tick;
  private final ExecutorService kicks =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "baton-scheduler-kick");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile boolean running;

  SchedulerTriggers(SchedulerTick tick) {
    this.tick = tick;
  }

  /** Runs a round soon on this replica. */
  public void kick() {
    if (running && queued.compareAndSet(false, true)) {
      try {
        kicks.execute(
            () -> {
              queued.set(false);
              try {
                tick.tick();
              } catch (RuntimeException e) {
                log.warn("Scheduling round failed; the next tick retries: {}", e.toString());
              }
            });
      } catch (RejectedExecutionException stopped) {
        // stopping: the next orchestrator's first round places the job
        queued.set(false);
      }
    }
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    kicks.shutdown();
    try {
      if (!kicks.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("A scheduling round still runs after 30 s; interrupting it");
        kicks.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @TransactionalEventListener
  void on(JobSubmitted submitted) {
    kick();
  }

  /** The Quartz side of the periodic round. */
  @DisallowConcurrentExecution
  public static class TickJob implements Job {
    private final SchedulerTick tick;

    public TickJob(SchedulerTick tick) {
      this.tick = tick;
    }

    @Override
    public void execute(JobExecutionContext context) {
      tick.tick();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(
      name = "baton.scheduler.automatic",
      havingValue = "true",
      matchIfMissing = true)
  static class Schedule {

    @Bean
    JobDetail schedulerTickJob() {
      return ClusteredSchedules.job(TickJob.class, "scheduler-tick");
    }

    @Bean
    Trigger schedulerTickTrigger(JobDetail schedulerTickJob, SchedulerProperties properties) {
      return ClusteredSchedules.every(schedulerTickJob, properties.tickInterval());
    }
  }
}
