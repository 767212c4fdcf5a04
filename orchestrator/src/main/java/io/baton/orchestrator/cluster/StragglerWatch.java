package io.baton.orchestrator.cluster;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.faults.ReplaceDecision;
import io.baton.orchestrator.faults.StepSample;
import io.baton.orchestrator.faults.Straggler;
import io.baton.orchestrator.faults.StragglerDetector;
import io.baton.orchestrator.faults.StragglerPolicy;
import io.baton.orchestrator.faults.StragglerResponse;
import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The runner's straggler pass over one RUNNING job: observe (the attempt's recent per-rank step
 * times, the ranks already reported, the job's step, checkpoint and relaunch time, whether the pool
 * has a spare node) → decide ({@link StragglerDetector}, {@link StragglerResponse}) → act: a {@code
 * job.straggler} event and a slowdown per chip of the rank's node for each new straggler; the
 * replacement, when it pays, is handed back for the runner to carry out like any recovery.
 */
@Component
class StragglerWatch {

  /** A restart without {@code node}; {@code cause} starts with {@code STRAGGLER}. */
  record Replacement(String node, String cause) {}

  private final RunRepository runs;
  private final PoolCatalog pools;
  private final EventLog events;
  private final TransactionTemplate transactions;
  private final MeterRegistry meters;
  private final Clock clock;

  StragglerWatch(
      RunRepository runs,
      PoolCatalog pools,
      EventLog events,
      TransactionTemplate transactions,
      MeterRegistry meters,
      Clock clock) {
    this.runs = runs;
    this.pools = pools;
    this.events = events;
    this.transactions = transactions;
    this.meters = meters;
    this.clock = clock;
  }

  Optional<Replacement> check(Job job) {
    Optional<Pool> found = pools.find(job.spec().pool());
    if (found.isEmpty() || job.placement().isEmpty()) {
      return Optional.empty();
    }
    Pool pool = found.get();
    List<StepSample> samples = runs.recentSteps(job.id(), job.attempt(), pool.stragglerWindow());
    List<Straggler> stragglers =
        StragglerDetector.detect(samples, pool.stragglerFactor(), pool.stragglerWindow());
    if (stragglers.isEmpty()) {
      return Optional.empty();
    }
    StragglerPolicy policy = policy(pool, job);
    boolean replace = policy == StragglerPolicy.REPLACE;
    Job.ProgressSummary progress = job.progress();
    StragglerResponse.Output output =
        StragglerResponse.decide(
            new StragglerResponse.Input(
                stragglers,
                runs.reportedStragglers(job.id(), job.attempt()),
                policy,
                progress == null ? 0 : progress.step(),
                progress == null ? null : progress.totalSteps(),
                replace ? runs.newestCheckpointStep(job.id()) : null,
                replace ? runs.relaunch(job.id(), job.attempt()) : java.time.Duration.ZERO,
                replace && runs.spareNode(job)));
    Instant now = clock.instant();
    if (!output.report().isEmpty()) {
      transactions.executeWithoutResult(
          status -> {
            for (Straggler s : output.report()) {
              Job.Placement where = placement(job, s.rank());
              runs.recordSlowdown(job.id(), job.attempt(), s.rank(), where, s.factor(), now);
              events.append(
                  new Event.New(
                      "job.straggler",
                      "job/" + job.id(),
                      job.id(),
                      null,
                      null,
                      StragglerResponse.eventReason(s, where.node(), where.chips(), policy, output),
                      JobRunner.ACTOR,
                      now));
            }
          });
      Counter.builder("baton.stragglers")
          .description("Ranks found slower than their gang (once per rank and attempt)")
          .tag("pool", pool.name())
          .tag("policy", policy.wire())
          .register(meters)
          .increment(output.report().size());
    }
    return output
        .replace()
        .map(
            r -> {
              Counter.builder("baton.straggler.replacements")
                  .description("Jobs restarted without a straggler's node because it paid")
                  .tag("pool", pool.name())
                  .register(meters)
                  .increment();
              Job.Placement where = placement(job, r.straggler().rank());
              return new Replacement(
                  where.node(),
                  ReplaceDecision.restartReason(
                      r.straggler(), where.node(), where.chips(), r.decision()));
            });
  }

  private static StragglerPolicy policy(Pool pool, Job job) {
    String asked = job.spec().stragglerPolicy();
    return pool.stragglerPolicy()
        .forJob(asked == null || asked.isBlank() ? null : StragglerPolicy.of(asked));
  }

  /** Ranks are placed in order: rank r runs on the r-th node of the placement. */
  private static Job.Placement placement(Job job, int rank) {
    return job.placement().get(Math.min(rank, job.placement().size() - 1));
  }
}
