package io.baton.orchestrator.goodput;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baton.orchestrator.goodput.Ledger.Totals;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.security.Caller;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Where the chip-hours went: per job, and summed per pool, team and day. */
@RestController
class GoodputController {

  /** The window when {@code from} is not given: this many days up to {@code to}. */
  static final int DEFAULT_DAYS = 30;

  private final GoodputService goodput;
  private final GoodputProperties properties;
  private final Clock clock;

  GoodputController(GoodputService goodput, GoodputProperties properties, Clock clock) {
    this.goodput = goodput;
    this.properties = properties;
    this.clock = clock;
  }

  /** Chip-seconds by kind; they add up to {@code allocated}. */
  record ChipSeconds(
      double allocated, double productive, double redone, double recovery, double stalled) {
    static ChipSeconds of(Totals t) {
      return new ChipSeconds(
          round(t.allocated()),
          round(t.productive()),
          round(t.redone()),
          round(t.recovery()),
          round(t.stalled()));
    }
  }

  record AttemptResource(
      int attempt,
      int chips,
      Instant admittedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) Instant releasedAt,
      long resumedFromStep,
      long reachedStep,
      @JsonInclude(JsonInclude.Include.NON_NULL) Instant failedAt,
      boolean hang) {}

  record JobGoodput(
      UUID jobId, ChipSeconds chipSeconds, double queuedSeconds, List<AttemptResource> attempts) {}

  @GetMapping("/api/v1/jobs/{id}/goodput")
  JobGoodput job(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    GoodputService.JobAccount account = goodput.job(caller, id);
    return new JobGoodput(
        id,
        ChipSeconds.of(account.totals()),
        round(account.totals().queuedSeconds()),
        account.attempts().stream()
            .map(
                a ->
                    new AttemptResource(
                        a.attempt(),
                        a.chips(),
                        a.admittedAt(),
                        a.releasedAt(),
                        a.resumedFromStep(),
                        a.reachedStep(),
                        a.failedAt(),
                        a.hang()))
            .toList());
  }

  record Item(
      String pool,
      String team,
      @JsonInclude(JsonInclude.Include.NON_NULL) String day,
      ChipSeconds chipSeconds,
      double queuedSeconds) {}

  record Items(List<Item> items) {}

  @GetMapping("/api/v1/goodput")
  Items aggregate(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String pool,
      @RequestParam(required = false) String team,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String groupBy) {
    boolean byDay = groupBy(groupBy);
    LocalDate last =
        to == null ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) : day("to", to);
    LocalDate first = from == null ? last.minusDays(DEFAULT_DAYS - 1) : day("from", from);
    if (first.isAfter(last)) {
      throw BadRequestException.invalidParameter("from", "is after to (" + last + ")");
    }
    if (ChronoUnit.DAYS.between(first, last) + 1 > properties.maxDays()) {
      throw BadRequestException.invalidParameter(
          "from", "the range may span at most " + properties.maxDays() + " days");
    }
    List<GoodputService.Row> rows =
        goodput.aggregate(
            caller,
            new GoodputService.Query(blankToNull(pool), blankToNull(team), first, last, byDay));
    return new Items(
        rows.stream()
            .map(
                r ->
                    new Item(
                        r.pool(),
                        r.team(),
                        r.day() == null ? null : r.day().toString(),
                        ChipSeconds.of(r.totals()),
                        round(r.totals().queuedSeconds())))
            .toList());
  }

  private static boolean groupBy(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    if (value.equals("day")) {
      return true;
    }
    throw BadRequestException.invalidParameter("groupBy", "must be day (or left out)");
  }

  private static LocalDate day(String name, String value) {
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw BadRequestException.invalidParameter(
          name, "must be a date as YYYY-MM-DD (UTC), not '" + shorten(value) + "'");
    }
  }

  private static String shorten(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "…" : value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** Milliseconds are plenty; fewer digits keep the documents readable. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
