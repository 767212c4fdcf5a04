package io.baton.orchestrator.dashboard;

import io.baton.orchestrator.dashboard.FleetView.ChipSeconds;
import io.baton.orchestrator.goodput.GoodputService;
import io.baton.orchestrator.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The Overview's goodput per pool (yesterday's start until now, UTC), read from the ledger at most
 * {@link #MAX_AGE} ago for the same visible teams. Every open Overview reloads on every event it
 * sees, and the ledger's reading walks the timelines of every job that held chips (5,000 running
 * jobs: half a second on a busy orchestrator) for a number that moves by fractions of a percent in
 * that time; the page's other figures are read afresh.
 */
@Component
class OverviewGoodput {

  /** How old the goodput an Overview shows may be. */
  static final Duration MAX_AGE = Duration.ofSeconds(30);

  /** Readings kept at most: one per distinct set of visible teams. */
  private static final int KEPT = 256;

  private record Reading(Instant at, LocalDate from, Map<String, ChipSeconds> byPool) {}

  private final GoodputService goodput;
  private final Clock clock;
  private final Map<String, Reading> readings = new ConcurrentHashMap<>();

  OverviewGoodput(GoodputService goodput, Clock clock) {
    this.goodput = goodput;
    this.clock = clock;
  }

  Map<String, ChipSeconds> byPool(Caller caller) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Set<String> teams = caller.visibleTeams();
    String key = teams == null ? "*" : String.join("\n", new TreeSet<>(teams));
    Reading cached = readings.get(key);
    if (cached != null
        && cached.from().equals(today.minusDays(1))
        && cached.at().plus(MAX_AGE).isAfter(now)) {
      return cached.byPool();
    }
    Map<String, ChipSeconds> byPool = new LinkedHashMap<>();
    goodput
        .chipSecondsByPool(caller, today.minusDays(1), today)
        .forEach((pool, t) -> byPool.put(pool, chipSeconds(t)));
    if (readings.size() >= KEPT) {
      readings.clear();
    }
    readings.put(key, new Reading(now, today.minusDays(1), Map.copyOf(byPool)));
    return byPool;
  }

  private static ChipSeconds chipSeconds(GoodputService.PoolChipSeconds t) {
    return new ChipSeconds(t.allocated(), t.productive(), t.redone(), t.recovery(), t.stalled());
  }
}
