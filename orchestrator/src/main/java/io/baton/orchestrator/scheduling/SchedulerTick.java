package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
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
    repository.pendingReasons(plan.pending());
    if (plan.placements().isEmpty()) {
      return List.of();
    }
    List<Plan.Placement> placements = plan.placements();
    Map<UUID, long[]> versions =
        repository.versions(placements.stream().map(Plan.Placement::jobId).toList());
    placements = placements.stream().filter(p -> versions.containsKey(p.jobId())).toList();
    Set<UUID> booked = repository.allocateAll(placements, versions, clock.instant());
    List<JobLifecycle.Admission> admissions = new ArrayList<>();
    Map<UUID, List<Job.Placement>> where = new HashMap<>();
    for (Plan.Placement p : placements) {
      if (booked.contains(p.jobId())) {
        List<Job.Placement> nodes =
            p.nodes().stream().map(n -> new Job.Placement(n.node(), n.chips())).toList();
        where.put(p.jobId(), nodes);
        admissions.add(new JobLifecycle.Admission(p.jobId(), versions.get(p.jobId())[0], nodes));
      }
    }
    Map<UUID, Integer> admitted = lifecycle.admitAll(admissions, ACTOR);
    Set<UUID> raced = new HashSet<>(booked);
    raced.removeAll(admitted.keySet());
    repository.release(raced);
    if (!raced.isEmpty() || booked.size() < placements.size()) {
      log.info(
          "{} placements lost a race with another planner; they are planned again next round",
          placements.size() - admitted.size());
    }
    List<JobAdmitted> result = new ArrayList<>();
    admitted.forEach((id, attempt) -> result.add(new JobAdmitted(id, attempt, where.get(id))));
    return result;
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
