package io.baton.orchestrator.cluster;

import io.baton.orchestrator.cluster.RunDecision.Action;
import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobState;
import io.baton.orchestrator.leadership.LeaseLost;
import io.baton.orchestrator.scheduling.SchedulerTick;
import io.baton.orchestrator.scheduling.SchedulerTriggers;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Follows every job that holds chips: observe (the backend's ranks, the placed chips' health, which
 * ranks reported, when a rank last made a step) → decide ({@link RunDecision}) → act (launch, stop,
 * transition, release chips, start the task that picks the checkpoint to resume from and use its
 * result on a later pass). A RUNNING job with nothing else to do gets a straggler pass ({@link
 * StragglerWatch}), which may restart it without a slow node. Runs every {@code
 * baton.recovery.reconcile-interval} and at once when a job is admitted.
 */
@Component
class JobRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  static final String ACTOR = "runner";
  static final String RESUME_POINT = "resume-point";

  private final ClusterBackend backend;
  private final JobService jobs;
  private final JobLifecycle lifecycle;
  private final RunRepository runs;
  private final ResumePoint resumePoint;
  private final Tasks tasks;
  private final RecoveryProperties properties;
  private final TransactionTemplate transactions;
  private final ObjectProvider<SchedulerTriggers> scheduler;
  private final StragglerWatch stragglers;
  private final Clock clock;
  private final ReconcileLoop loop;

  JobRunner(
      ClusterBackend backend,
      JobService jobs,
      JobLifecycle lifecycle,
      RunRepository runs,
      ResumePoint resumePoint,
      Tasks tasks,
      RecoveryProperties properties,
      TransactionTemplate transactions,
      ObjectProvider<SchedulerTriggers> scheduler,
      StragglerWatch stragglers,
      Clock clock,
      ReconcileLoops loops) {
    this.backend = backend;
    this.jobs = jobs;
    this.lifecycle = lifecycle;
    this.runs = runs;
    this.resumePoint = resumePoint;
    this.tasks = tasks;
    this.properties = properties;
    this.transactions = transactions;
    this.scheduler = scheduler;
    this.stragglers = stragglers;
    this.clock = clock;
    this.loop = loops.owned("baton-job-runner", this::reconcileAll);
  }

  @EventListener
  void on(SchedulerTick.JobAdmitted admitted) {
    kick();
  }

  /** Reconciles soon, outside the regular interval. */
  public void kick() {
    loop.kick(properties.automatic());
  }

  /** One pass over every job that holds or held chips. */
  public void reconcileAll() {
    for (UUID id : runs.active()) {
      if (loop.stopping()) {
        return; // a stop ends the pass between jobs; the next start goes on
      }
      try {
        reconcile(jobs.get(id));
      } catch (ClusterUnavailableException e) {
        log.debug("Job {} left as it is while the backend cannot tell: {}", id, e.getMessage());
      } catch (LeaseLost e) {
        throw e; // another replica leads now: this pass acts on nothing more
      } catch (RuntimeException e) {
        log.warn("Reconciling job {} failed; retrying next round: {}", id, e.toString());
      }
    }
  }

  void reconcile(Job job) {
    List<RankState> ranks = backend.observe(job.id(), job.attempt());
    RunRepository.Health health = runs.health(job.id(), job.attempt(), job.placement());
    boolean exhausted =
        job.restarts() > job.spec().maxRestarts()
            || job.recovery().infraRestarts() > properties.maxInfraRestarts();
    Action action =
        RunDecision.decide(
            new RunDecision.Observation(
                job.state(),
                job.spec().nodes(),
                ranks,
                runs.reportedRanks(job.id(), job.attempt()),
                health.lostNodes(),
                health.faultyChips(),
                job.recovery().ready(),
                exhausted,
                jobs.liveness(job).orElse(null),
                clock.instant(),
                health.isolated()));
    if (action instanceof RunDecision.Wait && job.state() == JobState.RUNNING) {
      stragglers.check(job).ifPresent(r -> replace(job, r));
      return;
    }
    act(job, action, health);
  }

  /** Restarts the job without the straggler's node, as a recovery from an infrastructure fault. */
  private void replace(Job job, StragglerWatch.Replacement replacement) {
    backend.stop(job.id(), job.attempt());
    transactions.executeWithoutResult(
        status -> {
          lifecycle.recover(job.id(), job.version(), true, replacement.cause(), ACTOR);
          runs.exclude(job.id(), List.of(replacement.node()));
        });
    log.info("Job {}: {}", job.id(), replacement.cause());
    kick();
  }

  private void act(Job job, Action action, RunRepository.Health health) {
    if (action instanceof RunDecision.Launch) {
      try {
        backend.launch(launch(job));
      } catch (CheckpointDirRefused refused) {
        finish(job, JobState.FAILED, refused.getMessage());
        return;
      }
      lifecycle.transition(job.id(), job.version(), JobState.STARTING, "ranks launched", ACTOR);
    } else if (action instanceof RunDecision.MarkStarting) {
      lifecycle.transition(job.id(), job.version(), JobState.STARTING, "ranks launched", ACTOR);
    } else if (action instanceof RunDecision.MarkRunning) {
      lifecycle.transition(job.id(), job.version(), JobState.RUNNING, "every rank reported", ACTOR);
    } else if (action instanceof RunDecision.Succeed) {
      finish(job, JobState.SUCCEEDED, "every rank exited 0");
    } else if (action instanceof RunDecision.Recover r) {
      backend.stop(job.id(), job.attempt());
      transactions.executeWithoutResult(
          status -> {
            lifecycle.recover(job.id(), job.version(), r.infrastructure(), r.cause(), ACTOR);
            runs.exclude(job.id(), health.lostNodes());
            if (r.cause().startsWith(RunDecision.HANG)) {
              // A hang is an observation of the fault policy on each node of the job.
              Instant now = clock.instant();
              job.placement()
                  .forEach(
                      p -> runs.recordFinding(p.node(), -1, "hang", job.id(), job.attempt(), now));
            }
          });
      kick();
    } else if (action instanceof RunDecision.Resume) {
      resume(job);
    } else if (action instanceof RunDecision.GiveUp g) {
      backend.stop(job.id(), job.attempt());
      finish(job, JobState.FAILED, job.reason() + "; " + g.reason());
    } else if (action instanceof RunDecision.FinishCancel) {
      backend.stop(job.id(), job.attempt());
      finish(job, JobState.CANCELLED, "ranks stopped");
    }
  }

  /**
   * Stopping the ranks and hashing checkpoints to pick the resume point is slow (on Kubernetes,
   * helper Jobs): it runs as a task, and this pass only starts it or, on a later pass, uses its
   * result — so one job's slow recovery never holds the loop that decides every other job.
   */
  private void resume(Job job) {
    String subject = job.id() + "/" + job.attempt();
    Optional<Tasks.Outcome<ResumePoint.Choice>> outcome =
        tasks.poll(
            RESUME_POINT,
            subject,
            ResumePoint.Choice.class,
            () -> {
              backend.stop(job.id(), job.attempt());
              return resumePoint.choose(
                  job.id(), backend.checkpointDir(job.id(), checkpointRequest(job)));
            });
    if (outcome.isEmpty()) {
      return;
    }
    if (!outcome.get().succeeded()) {
      log.warn(
          "Job {}: choosing the resume point failed ({}); trying again",
          job.id(),
          outcome.get().error());
      tasks.forget(RESUME_POINT, subject);
      return;
    }
    ResumePoint.Choice choice = outcome.get().result();
    long lastStep = runs.lastStep(job.id());
    long resumeStep = choice.step();
    long lost = Math.max(0, lastStep - resumeStep);
    String summary =
        job.reason()
            + "; restart "
            + (job.restarts() + job.recovery().infraRestarts())
            + "; resuming from "
            + (choice.file() == null
                ? "scratch"
                : "step " + resumeStep + " (" + choice.file() + ")")
            + "; "
            + lost
            + " steps lost"
            + (choice.skipped().isEmpty() ? "" : "; skipped unverifiable " + choice.skipped());
    transactions.executeWithoutResult(
        status -> {
          runs.release(job.id());
          lifecycle.readyToResume(job.id(), job.version(), choice.file(), lost, summary, ACTOR);
          tasks.forget(RESUME_POINT, subject);
        });
    log.info("Job {}: {}", job.id(), summary);
    scheduler.ifAvailable(SchedulerTriggers::kick);
  }

  private void finish(Job job, JobState to, String reason) {
    transactions.executeWithoutResult(
        status -> {
          lifecycle.transition(job.id(), job.version(), to, reason, ACTOR);
          runs.release(job.id());
        });
    scheduler.ifAvailable(SchedulerTriggers::kick);
  }

  private ClusterBackend.Launch launch(Job job) {
    List<ClusterBackend.RankPlacement> ranks = new java.util.ArrayList<>();
    for (int r = 0; r < job.placement().size(); r++) {
      Job.Placement p = job.placement().get(r);
      ranks.add(new ClusterBackend.RankPlacement(r, p.node(), p.chips()));
    }
    return new ClusterBackend.Launch(
        job.id(),
        job.attempt(),
        job.spec().command(),
        job.spec().env(),
        ranks,
        backend.checkpointDir(job.id(), checkpointRequest(job)),
        job.recovery().resumeFrom(),
        job.spec().pool(),
        job.spec().image(),
        java.util.Set.copyOf(job.spec().secretEnv()));
  }

  private static String checkpointRequest(Job job) {
    return job.spec().checkpoint() == null ? null : job.spec().checkpoint().dir();
  }

  @Override
  public void start() {
    loop.start(properties.reconcileInterval(), properties.automatic());
  }

  @Override
  public void stop() {
    // Waits for a launch in progress, so it finishes before the backend stops every rank.
    loop.stop();
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }
}
