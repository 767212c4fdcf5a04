package io.baton.orchestrator.goodput;

import io.baton.orchestrator.goodput.GoodputRepository.DayAmount;
import io.baton.orchestrator.goodput.GoodputRepository.JobTimeline;
import io.baton.orchestrator.goodput.Ledger.Kind;
import io.baton.orchestrator.goodput.Ledger.Totals;
import io.baton.orchestrator.jobs.JobNotFoundException;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.security.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The goodput ledger: a job's account (computed from its timeline whenever asked), sums per pool,
 * team and day, and the accounting of finished jobs into the ledger's history and metrics.
 */
@Service
public class GoodputService {

  /** Chip-seconds per kind, once per finished job, on the replica that accounted it. */
  static final String CHIP_SECONDS = "baton.goodput.chip.seconds";

  /** Job-seconds waiting for chips, once per finished job. */
  static final String QUEUED_SECONDS = "baton.goodput.queued.seconds";

  private static final int TIMELINES_PER_QUERY = 500;

  private final GoodputRepository repository;
  private final JobService jobs;
  private final TransactionTemplate transactions;
  private final TransactionTemplate snapshot;
  private final MeterRegistry meters;
  private final Clock clock;

  GoodputService(
      GoodputRepository repository,
      JobService jobs,
      PlatformTransactionManager transactionManager,
      MeterRegistry meters,
      Clock clock) {
    this.repository = repository;
    this.jobs = jobs;
    this.transactions = new TransactionTemplate(transactionManager);
    this.snapshot = new TransactionTemplate(transactionManager);
    this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    this.snapshot.setReadOnly(true);
    this.meters = meters;
    this.clock = clock;
  }

  /** A job's ledger, with how far each attempt got. */
  record JobAccount(UUID jobId, Totals totals, List<AttemptView> attempts) {}

  /** One attempt as the ledger saw it. */
  record AttemptView(
      int attempt,
      int chips,
      Instant admittedAt,
      Instant releasedAt,
      long resumedFromStep,
      long reachedStep,
      Instant failedAt,
      boolean hang) {}

  /**
   * The ledger of a job the caller may see.
   *
   * @throws JobNotFoundException when there is no such job, or the caller may not see it
   */
  JobAccount job(Caller caller, UUID id) {
    jobs.get(caller, id);
    JobTimeline timeline =
        repository.timelines(List.of(id)).stream()
            .findFirst()
            .orElseThrow(() -> new JobNotFoundException(id));
    Ledger.Account account = Ledger.account(timeline.timeline(), clock.instant());
    List<AttemptView> attempts = new ArrayList<>();
    for (int i = 0; i < timeline.timeline().attempts().size(); i++) {
      Ledger.Attempt a = timeline.timeline().attempts().get(i);
      attempts.add(
          new AttemptView(
              a.number(),
              a.chips(),
              a.admittedAt(),
              a.releasedAt(),
              a.resumedFromStep(),
              timeline.reached().get(i).step(),
              a.failedAt(),
              a.hang()));
    }
    return new JobAccount(id, account.totals(), attempts);
  }

  /** What the aggregate covers: days [{@code from}, {@code to}] (UTC), optionally filtered. */
  record Query(String pool, String team, LocalDate from, LocalDate to, boolean byDay) {}

  /** One row of the aggregate; {@code day} is null unless grouped by day. */
  record Row(String pool, String team, LocalDate day, Totals totals) {}

  /**
   * Sums over the jobs of the teams the caller sees: finished jobs from the ledger's history,
   * others (running, waiting, or finished but not accounted yet) from their timelines as of now.
   * Both are read in one snapshot, so a job accounted meanwhile counts once.
   */
  List<Row> aggregate(Caller caller, Query query) {
    return aggregate(caller, query, true);
  }

  /**
   * Chip-seconds per pool over the UTC days [{@code from}, {@code to}] for the jobs of the teams
   * the caller sees, without the time jobs waited: what a fleet overview shows. Jobs that never
   * held chips are not read at all (at 100,000 queued jobs their waits are most of the cost of
   * {@link #aggregate}), so {@code queuedSeconds} counts only the waits of jobs that ran.
   */
  public Map<String, PoolChipSeconds> chipSecondsByPool(
      Caller caller, LocalDate from, LocalDate to) {
    Map<String, Totals> byPool = new TreeMap<>();
    for (Row row : aggregate(caller, new Query(null, null, from, to, false), false)) {
      byPool.merge(row.pool(), row.totals(), Totals::plus);
    }
    Map<String, PoolChipSeconds> out = new TreeMap<>();
    byPool.forEach(
        (pool, t) ->
            out.put(
                pool,
                new PoolChipSeconds(
                    t.allocated(), t.productive(), t.redone(), t.recovery(), t.stalled())));
    return out;
  }

  /** A pool's chip-seconds by kind; the kinds add up to {@code allocated}. */
  public record PoolChipSeconds(
      double allocated, double productive, double redone, double recovery, double stalled) {}

  private List<Row> aggregate(Caller caller, Query query, boolean waiting) {
    java.util.Set<String> teams = caller.visibleTeams();
    Instant windowStart = query.from().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant windowEnd = query.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    record Read(
        List<GoodputRepository.Sum> sums,
        List<GoodputRepository.Sum> waiting,
        List<JobTimeline> live) {}
    Instant now = clock.instant();
    Read read =
        snapshot.execute(
            status -> {
              List<GoodputRepository.Sum> sums =
                  repository.accounted(
                      query.from(), query.to(), query.byDay(), query.pool(), query.team(), teams);
              List<UUID> ids =
                  repository.unaccounted(windowStart, windowEnd, query.pool(), query.team(), teams);
              List<GoodputRepository.Sum> waits =
                  waiting
                      ? repository.unaccountedWaiting(
                          windowStart, windowEnd, now, query.pool(), query.team(), teams)
                      : List.of();
              List<JobTimeline> live = new ArrayList<>();
              for (int i = 0; i < ids.size(); i += TIMELINES_PER_QUERY) {
                live.addAll(
                    repository.timelines(
                        ids.subList(i, Math.min(ids.size(), i + TIMELINES_PER_QUERY))));
              }
              return new Read(sums, waits, live);
            });
    Map<Key, Totals> rows = new TreeMap<>();
    for (GoodputRepository.Sum sum : Objects.requireNonNull(read).sums()) {
      rows.merge(
          new Key(sum.pool(), sum.team(), sum.day()),
          Totals.of(sum.kind(), sum.amount()),
          Totals::plus);
    }
    for (GoodputRepository.Sum sum : read.waiting()) {
      rows.merge(
          new Key(sum.pool(), sum.team(), query.byDay() ? sum.day() : null),
          Totals.of(sum.kind(), sum.amount()),
          Totals::plus);
    }
    for (JobTimeline job : read.live()) {
      Ledger.Account account = Ledger.account(job.timeline(), now);
      Ledger.byDay(account.segments(), query.from(), query.to())
          .forEach(
              (day, totals) ->
                  rows.merge(
                      new Key(job.pool(), job.team(), query.byDay() ? day : null),
                      totals,
                      Totals::plus));
    }
    List<Row> out = new ArrayList<>();
    rows.forEach((key, totals) -> out.add(new Row(key.pool(), key.team(), key.day(), totals)));
    return out;
  }

  private record Key(String pool, String team, LocalDate day) implements Comparable<Key> {
    private static final Comparator<Key> ORDER =
        Comparator.comparing(Key::pool)
            .thenComparing(Key::team)
            .thenComparing(Key::day, Comparator.nullsFirst(Comparator.naturalOrder()));

    @Override
    public int compareTo(Key other) {
      return ORDER.compare(this, other);
    }
  }

  /**
   * Accounts up to {@code limit} finished jobs into the ledger's history, each once across the
   * cluster, and adds them to this replica's counters after the commit.
   *
   * @return how many this call accounted
   */
  public int accountFinished(int limit) {
    int accounted = 0;
    for (UUID id : repository.finishedUnaccounted(limit)) {
      JobTimeline[] claimed = new JobTimeline[1];
      Totals totals =
          transactions.execute(
              status -> {
                List<JobTimeline> found = repository.timelines(List.of(id));
                if (found.isEmpty()) {
                  return null;
                }
                JobTimeline job = found.get(0);
                if (!repository.claim(id, job.pool(), job.team(), clock.instant())) {
                  return null;
                }
                Ledger.Account account = Ledger.account(job.timeline(), job.timeline().endedAt());
                repository.record(id, job.pool(), job.team(), days(account));
                claimed[0] = job;
                return account.totals();
              });
      if (totals != null) {
        count(claimed[0].pool(), claimed[0].team(), totals);
        accounted++;
      }
    }
    return accounted;
  }

  private static List<DayAmount> days(Ledger.Account account) {
    List<DayAmount> out = new ArrayList<>();
    if (account.segments().isEmpty()) {
      return out;
    }
    LocalDate first = LocalDate.ofInstant(account.segments().get(0).from(), ZoneOffset.UTC);
    LocalDate last =
        LocalDate.ofInstant(
            account.segments().get(account.segments().size() - 1).to(), ZoneOffset.UTC);
    Ledger.byDay(account.segments(), first, last)
        .forEach(
            (day, totals) -> {
              for (Kind kind : Kind.values()) {
                if (totals.amount(kind) > 0) {
                  out.add(new DayAmount(day, kind, totals.amount(kind)));
                }
              }
            });
    return out;
  }

  private void count(String pool, String team, Totals totals) {
    for (Kind kind : Kind.values()) {
      double amount = totals.amount(kind);
      if (amount <= 0) {
        continue;
      }
      if (kind == Kind.QUEUED) {
        Counter.builder(QUEUED_SECONDS)
            .description("Job-seconds finished jobs waited for chips, counted once per job")
            .tag("pool", pool)
            .tag("team", team)
            .register(meters)
            .increment(amount);
      } else {
        Counter.builder(CHIP_SECONDS)
            .description(
                "Chip-seconds finished jobs held, by kind (productive, redone, recovery, stalled),"
                    + " counted once per job on the replica that accounted it")
            .tag("pool", pool)
            .tag("team", team)
            .tag("kind", kind.wire())
            .register(meters)
            .increment(amount);
      }
    }
  }
}
