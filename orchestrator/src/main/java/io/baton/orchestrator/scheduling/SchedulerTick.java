package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.jobs.ConcurrentJobChange;
import io.baton.orchestrator.jobs.IllegalJobStateChange;
import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One scheduling round: observe (nodes, allocations, queue) → decide ({@link Planner}) → act (book
 * chips and admit each placed job, then tell whoever launches). Idempotent and safe to run on every
 * replica at once: a cluster-wide advisory lock lets one plan at a time, and the allocations'
 * primary key refuses a chip booked twice even without it.
 */
@Component
public class SchedulerTick {

  private static final Logger log = LoggerFactory.getLogger(SchedulerTick.class);
  static final String ACTOR = "scheduler";

  private final SchedulingRepository repository;
  private final JobLifecycle lifecycle;
  private final SchedulerProperties properties;
  private final ApplicationEventPublisher events;
  private final Clock clock;
  private final TransactionTemplate round;
  private final TransactionTemplate placement;
  private final boolean lock;

  @org.springframework.beans.factory.annotation.Autowired
  SchedulerTick(
      SchedulingRepository repository,
      JobLifecycle lifecycle,
      SchedulerProperties properties,
      ApplicationEventPublisher events,
      Clock clock,
      PlatformTransactionManager transactions) {
    this(repository, lifecycle, properties, events, clock, transactions, true);
  }

  SchedulerTick(
      SchedulingRepository repository,
      JobLifecycle lifecycle,
      SchedulerProperties properties,
      ApplicationEventPublisher events,
      Clock clock,
      PlatformTransactionManager transactions,
      boolean lock) {
    this.repository = repository;
    this.lifecycle = lifecycle;
    this.properties = properties;
    this.events = events;
    this.clock = clock;
    this.round = new TransactionTemplate(transactions);
    this.placement = new TransactionTemplate(transactions);
    this.placement.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.lock = lock;
  }

  /** A job admitted onto chips; published after the round commits. */
  public record JobAdmitted(UUID jobId, int attempt, List<Job.Placement> placement) {}

  /** Runs one round; returns the jobs it admitted (empty when another replica holds the lock). */
  public List<JobAdmitted> tick() {
    List<JobAdmitted> admitted = round.execute(status -> plan());
    admitted.forEach(events::publishEvent);
    return admitted;
  }

  private List<JobAdmitted> plan() {
    if (lock && !repository.tryLock()) {
      return List.of();
    }
    List<Snapshot.Waiting> queue = repository.waiting();
    if (queue.isEmpty()) {
      return List.of();
    }
    Snapshot snapshot = repository.snapshot(clock.instant());
    Plan plan = Planner.plan(snapshot, queue, policy());
    List<JobAdmitted> admitted = new ArrayList<>();
    for (Plan.Placement p : plan.placements()) {
      JobAdmitted done = placement.execute(status -> commit(p, status));
      if (done != null) {
        admitted.add(done);
      }
    }
    repository.pendingReasons(plan.pending());
    return admitted;
  }

  private JobAdmitted commit(
      Plan.Placement p, org.springframework.transaction.TransactionStatus status) {
    List<Job.Placement> where =
        p.nodes().stream().map(n -> new Job.Placement(n.node(), n.chips())).toList();
    try {
      long version = repository.version(p.jobId());
      Job job = lifecycle.admit(p.jobId(), version, where, ACTOR);
      repository.allocate(p, job.attempt(), clock.instant());
      return new JobAdmitted(job.id(), job.attempt(), where);
    } catch (DataIntegrityViolationException | ConcurrentJobChange | IllegalJobStateChange e) {
      status.setRollbackOnly();
      log.info(
          "Placement of job {} lost a race, replanning next round: {}", p.jobId(), e.getMessage());
      return null;
    }
  }

  private SchedulingPolicy policy() {
    Map<Snapshot.TeamPool, Integer> quotas =
        properties.quotas().stream()
            .collect(
                Collectors.toMap(
                    q -> new Snapshot.TeamPool(q.team(), q.pool()),
                    SchedulerProperties.Quota::chips));
    return new SchedulingPolicy(properties.reservationAfter(), quotas);
  }
}
