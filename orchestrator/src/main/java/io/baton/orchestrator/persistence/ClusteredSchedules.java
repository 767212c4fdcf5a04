package io.baton.orchestrator.persistence;

import java.time.Duration;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * Periodic work on Quartz's clustered store: each run fires on one replica. A missed run is
 * skipped, not caught up, since every job here recomputes from current state.
 */
public final class ClusteredSchedules {

  private static final String GROUP = "baton";

  private ClusteredSchedules() {}

  public static JobDetail job(Class<? extends Job> type, String name) {
    return JobBuilder.newJob(type).withIdentity(name, GROUP).storeDurably().build();
  }

  public static Trigger every(JobDetail job, Duration interval) {
    return TriggerBuilder.newTrigger()
        .forJob(job)
        .withIdentity(job.getKey().getName(), GROUP)
        .withSchedule(
            SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInMilliseconds(interval.toMillis())
                .repeatForever()
                .withMisfireHandlingInstructionNextWithRemainingCount())
        .build();
  }
}
