package io.baton.orchestrator.checkpoints;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobSpec;
import io.baton.orchestrator.jobs.MetricMode;
import io.baton.orchestrator.persistence.ClusteredSchedules;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies {@link Retention} to jobs with more live checkpoints than the smallest keep count: the
 * backend deletes the files, then the registry records the deletion and an event says so.
 */
@Component
public class RetentionSweep {

  private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);
  static final String ACTOR = "retention";

  private final CheckpointRepository checkpoints;
  private final JobService jobs;
  private final ClusterBackend backend;
  private final EventLog events;
  private final CheckpointProperties properties;
  private final TransactionTemplate transactions;
  private final Clock clock;

  RetentionSweep(
      CheckpointRepository checkpoints,
      JobService jobs,
      ClusterBackend backend,
      EventLog events,
      CheckpointProperties properties,
      TransactionTemplate transactions,
      Clock clock) {
    this.checkpoints = checkpoints;
    this.jobs = jobs;
    this.backend = backend;
    this.events = events;
    this.properties = properties;
    this.transactions = transactions;
    this.clock = clock;
  }

  /** One pass; returns how many checkpoints were deleted. */
  public int sweep() {
    int deleted = 0;
    for (UUID jobId : checkpoints.jobsWithMoreThan(1, 1000)) {
      try {
        deleted += sweep(jobs.get(jobId));
      } catch (RuntimeException e) {
        log.warn(
            "Checkpoint retention of job {} failed; retrying next round: {}", jobId, e.toString());
      }
    }
    return deleted;
  }

  int sweep(Job job) {
    List<Checkpoint> live = checkpoints.live(job.id());
    Retention.Policy policy = policy(job.spec());
    Set<UUID> pinned = new HashSet<>(checkpoints.inUseByPromotions(job.id()));
    String resumeFrom = checkpoints.resumeFrom(job.id()).orElse(null);
    List<Retention.Candidate> candidates = new ArrayList<>();
    for (Checkpoint c : live) {
      boolean resumesFromIt =
          resumeFrom != null && Path.of(resumeFrom).normalize().equals(c.file().normalize());
      candidates.add(
          new Retention.Candidate(
              c.id(),
              c.step(),
              policy.best() == null ? null : c.metric(policy.best()),
              c.promoted() || pinned.contains(c.id()) || resumesFromIt));
    }
    Map<UUID, String> doomed = Retention.toDelete(candidates, policy);
    String dir =
        backend.checkpointDir(
            job.id(), job.spec().checkpoint() == null ? null : job.spec().checkpoint().dir());
    for (Checkpoint c : live) {
      String reason = doomed.get(c.id());
      if (reason == null) {
        continue;
      }
      List<String> files = new ArrayList<>(List.of(c.path()));
      if (c.golden() != null) {
        files.add(c.golden());
      }
      backend.deleteCheckpointFiles(dir, files);
      transactions.executeWithoutResult(
          status -> {
            checkpoints.markDeleted(c.id(), reason, clock.instant());
            events.append(
                new Event.New(
                    "checkpoint.deleted",
                    "job/" + job.id() + "/checkpoints/" + c.step(),
                    job.id(),
                    null,
                    null,
                    "step " + c.step() + " (" + c.path() + "): " + reason,
                    ACTOR,
                    clock.instant()));
          });
    }
    if (!doomed.isEmpty()) {
      log.info("Retention deleted {} checkpoints of job {}", doomed.size(), job.id());
    }
    return doomed.size();
  }

  /** Keep the spec's (or the default) newest few and the best by the promotion metric. */
  Retention.Policy policy(JobSpec spec) {
    int keepLast =
        spec.checkpoint() != null && spec.checkpoint().keepLast() != null
            ? spec.checkpoint().keepLast()
            : properties.keepLast();
    JobSpec.PromotionSpec promotion = spec.promotion();
    if (promotion != null && promotion.metric() != null) {
      return new Retention.Policy(keepLast, promotion.metric(), promotion.mode() != MetricMode.MIN);
    }
    return new Retention.Policy(keepLast, null, true);
  }

  /** The clustered Quartz job that runs a sweep. */
  @DisallowConcurrentExecution
  public static class Run implements org.quartz.Job {

    private final RetentionSweep sweep;

    public Run(RetentionSweep sweep) {
      this.sweep = sweep;
    }

    @Override
    public void execute(JobExecutionContext context) {
      sweep.sweep();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Schedule {

    @Bean
    JobDetail checkpointRetentionJob() {
      return ClusteredSchedules.job(Run.class, "checkpoint-retention");
    }

    @Bean
    Trigger checkpointRetentionTrigger(
        JobDetail checkpointRetentionJob, CheckpointProperties properties) {
      return ClusteredSchedules.every(checkpointRetentionJob, properties.retentionInterval());
    }
  }
}
