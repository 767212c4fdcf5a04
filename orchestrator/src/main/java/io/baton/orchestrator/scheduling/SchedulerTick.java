package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.faults.ChipReputation;
import io.baton.orchestrator.faults.StragglerPolicy;
import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import java.time.Clock;
import java.time.Duration;
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
  private final PoolCatalog pools;
  private final Clock clock;
  private final TransactionTemplate round;
  private final boolean lock;

  @org.springframework.beans.factory.annotation.Autowired
  SchedulerTick(
      SchedulingRepository repository,
      JobLifecycle lifecycle,
      SchedulerProperties properties,
      ApplicationEventPublisher events,
      PoolCatalog pools,
      Clock clock,
      PlatformTransactionManager transactions) {
    this(repository, lifecycle, properties, events, pools, clock, transactions, true);
  }

  SchedulerTick(
      SchedulingRepository repository,
      JobLifecycle lifecycle,
      SchedulerProperties properties,
      ApplicationEventPublisher events,
      PoolCatalog pools,
      Clock clock,
      PlatformTransactionManager transactions,
      boolean lock) {
    this.repository = repository;
    this.lifecycle = lifecycle;
    this.properties = properties;
    this.events = events;
    this.pools = pools;
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
    Snapshot snapshot = withSuspects(repository.snapshot(clock.instant()));
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
    Map<String, StragglerPolicy> stragglerPolicies = new HashMap<>();
    pools.all().forEach(p -> stragglerPolicies.put(p.name(), p.stragglerPolicy()));
    return new SchedulingPolicy(properties.reservationAfter(), quotas, stragglerPolicies);
  }

  /**
   * The snapshot with each node of a pool that avoids suspects marked suspect while any of its
   * chips has a bad reputation ({@link ChipReputation}, the pool's settings).
   */
  private Snapshot withSuspects(Snapshot snapshot) {
    Map<String, ChipReputation> reputations = new HashMap<>();
    Duration longest = Duration.ZERO;
    for (Pool pool : pools.all()) {
      if (pool.stragglerPolicy().avoidsSuspects()) {
        reputations.put(pool.name(), pool.reputation());
        longest =
            longest.compareTo(pool.reputationHalfLife()) > 0 ? longest : pool.reputationHalfLife();
      }
    }
    if (reputations.isEmpty()) {
      return snapshot;
    }
    // After 40 half-lives an observation weighs less than 10^-12 of itself.
    Map<String, List<ChipReputation.Slowdown>> slowdowns =
        repository.slowdowns(snapshot.now().minus(longest.multipliedBy(40)));
    if (slowdowns.isEmpty()) {
      return snapshot;
    }
    List<Snapshot.NodeFree> nodes = new ArrayList<>();
    for (Snapshot.NodeFree node : snapshot.nodes()) {
      ChipReputation reputation = reputations.get(node.pool());
      boolean suspect =
          reputation != null
              && slowdowns.entrySet().stream()
                  .filter(e -> e.getKey().startsWith(node.name() + "/"))
                  .anyMatch(e -> reputation.bad(e.getValue(), snapshot.now()));
      nodes.add(
          new Snapshot.NodeFree(node.name(), node.pool(), node.group(), node.free(), suspect));
    }
    return new Snapshot(snapshot.now(), nodes, snapshot.chipsInUse());
  }
}
