package io.baton.orchestrator.goodput;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a job's chip-seconds went. Each attempt's chips are held from its admission to its release;
 * that span is cut, in order, into:
 *
 * <ol>
 *   <li>until its first step: {@code productive} for the first attempt (starting up is part of any
 *       run), {@code recovery} for a later one (it only exists because an earlier one failed);
 *   <li>from its first step until it reaches the furthest step any earlier attempt reached: {@code
 *       redone} (those steps were computed before);
 *   <li>on to its last step: {@code productive};
 *   <li>after its last step: {@code productive} if it did not fail (finishing, or running now);
 *       after a hang, {@code stalled} until the hang was detected, then {@code recovery} until the
 *       chips are released; after any other failure, {@code recovery} from the last step (the last
 *       sign of health) until the release.
 * </ol>
 *
 * Between attempts, and before the first, the job holds no chips: that wait is {@code queued}, in
 * job-seconds. The kinds partition each attempt's span, so they add up to its chip-seconds exactly.
 */
@Decision
final class Ledger {

  /** Reasons of hang restarts start with this (the restart event's and the failure's). */
  public static final String HANG = "HANG";

  private Ledger() {}

  /** What a job's time was spent on. */
  public enum Kind {
    PRODUCTIVE,
    REDONE,
    RECOVERY,
    STALLED,
    /** Waiting for chips: job-seconds, no chips held. */
    QUEUED;

    /** The name the API and metrics use. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A job's history as the ledger needs it.
   *
   * @param submittedAt when it was queued
   * @param endedAt when it reached a terminal state; null while it has not
   * @param attempts in order
   */
  public record Timeline(Instant submittedAt, Instant endedAt, List<Attempt> attempts) {
    public Timeline {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * One attempt: chips held from {@code admittedAt} to {@code releasedAt}.
   *
   * @param releasedAt null while it holds its chips
   * @param resumedFromStep step of the checkpoint it resumed from (0: scratch)
   * @param progress what its ranks reported; null when they reported no step
   * @param failedAt when it was found failed (RECOVERING); null when it did not fail
   * @param hang whether the failure was a hang (its reason starts with {@link #HANG})
   */
  public record Attempt(
      int number,
      int chips,
      Instant admittedAt,
      Instant releasedAt,
      long resumedFromStep,
      Progress progress,
      Instant failedAt,
      boolean hang) {}

  /**
   * The steps an attempt reported.
   *
   * @param firstAt when it reported its first step
   * @param lastStep the furthest step it reached
   * @param lastAt when it last reported a step
   * @param caughtUpAt when it first reported a step at or past the furthest step earlier attempts
   *     reached (its first step's time when they reached none, or it resumed past them); null when
   *     it never caught up
   */
  public record Progress(Instant firstAt, long lastStep, Instant lastAt, Instant caughtUpAt) {}

  /** A span of one kind, with the chips held during it (0 for {@code QUEUED}). */
  public record Segment(Kind kind, Instant from, Instant to, int chips) {

    public double seconds() {
      return Duration.between(from, to).toNanos() / 1e9;
    }

    /** Chip-seconds; for {@code QUEUED}, job-seconds. */
    public double amount() {
      return kind == Kind.QUEUED ? seconds() : seconds() * chips;
    }
  }

  /** Sums: chip-seconds per kind, and the job-seconds spent queued. */
  public record Totals(
      double allocated,
      double productive,
      double redone,
      double recovery,
      double stalled,
      double queuedSeconds) {

    public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    public static Totals of(Kind kind, double amount) {
      return ZERO.plus(kind, amount);
    }

    public Totals plus(Kind kind, double amount) {
      return switch (kind) {
        case PRODUCTIVE ->
            new Totals(
                allocated + amount, productive + amount, redone, recovery, stalled, queuedSeconds);
        case REDONE ->
            new Totals(
                allocated + amount, productive, redone + amount, recovery, stalled, queuedSeconds);
        case RECOVERY ->
            new Totals(
                allocated + amount, productive, redone, recovery + amount, stalled, queuedSeconds);
        case STALLED ->
            new Totals(
                allocated + amount, productive, redone, recovery, stalled + amount, queuedSeconds);
        case QUEUED ->
            new Totals(allocated, productive, redone, recovery, stalled, queuedSeconds + amount);
      };
    }

    public Totals plus(Totals o) {
      return new Totals(
          allocated + o.allocated,
          productive + o.productive,
          redone + o.redone,
          recovery + o.recovery,
          stalled + o.stalled,
          queuedSeconds + o.queuedSeconds);
    }

    public double amount(Kind kind) {
      return switch (kind) {
        case PRODUCTIVE -> productive;
        case REDONE -> redone;
        case RECOVERY -> recovery;
        case STALLED -> stalled;
        case QUEUED -> queuedSeconds;
      };
    }
  }

  /** A job's ledger: its segments in time order, and their sums. */
  public record Account(List<Segment> segments, Totals totals) {}

  /**
   * The job's ledger as of {@code now}: an attempt still holding chips is counted until {@code
   * now}, a job still waiting has waited until {@code now}.
   */
  public static Account account(Timeline timeline, Instant now) {
    List<Segment> segments = new ArrayList<>();
    Instant end = timeline.endedAt() == null ? now : timeline.endedAt();
    Instant waitingSince = timeline.submittedAt();
    for (Attempt attempt : timeline.attempts()) {
      add(segments, Kind.QUEUED, waitingSince, attempt.admittedAt(), 0);
      Instant released = attempt.releasedAt() == null ? now : attempt.releasedAt();
      held(segments, attempt, attempt.admittedAt(), later(attempt.admittedAt(), released));
      waitingSince = later(waitingSince, released);
    }
    add(segments, Kind.QUEUED, waitingSince, end, 0);
    Totals totals = Totals.ZERO;
    for (Segment s : segments) {
      totals = totals.plus(s.kind(), s.amount());
    }
    return new Account(Collections.unmodifiableList(segments), totals);
  }

  private static void held(List<Segment> out, Attempt a, Instant start, Instant end) {
    int chips = a.chips();
    boolean first = a.number() <= 1;
    Progress p = a.progress();
    Instant failed = a.failedAt() == null ? null : clamp(a.failedAt(), start, end);
    Instant cursor = start;
    if (p != null) {
      Instant limit = failed == null ? end : failed;
      Instant firstAt = clamp(p.firstAt(), cursor, limit);
      add(out, first ? Kind.PRODUCTIVE : Kind.RECOVERY, cursor, firstAt, chips);
      cursor = firstAt;
      if (!first) {
        Instant caughtUp = p.caughtUpAt() == null ? p.lastAt() : p.caughtUpAt();
        Instant redoneUntil = clamp(caughtUp, cursor, limit);
        add(out, Kind.REDONE, cursor, redoneUntil, chips);
        cursor = redoneUntil;
      }
      Instant lastAt = clamp(p.lastAt(), cursor, limit);
      add(out, Kind.PRODUCTIVE, cursor, lastAt, chips);
      cursor = lastAt;
    }
    if (failed == null) {
      add(out, p == null && !first ? Kind.RECOVERY : Kind.PRODUCTIVE, cursor, end, chips);
      return;
    }
    if (a.hang()) {
      add(out, Kind.STALLED, cursor, failed, chips);
      cursor = failed;
    }
    add(out, Kind.RECOVERY, cursor, end, chips);
  }

  private static void add(List<Segment> out, Kind kind, Instant from, Instant to, int chips) {
    if (to.isAfter(from)) {
      out.add(new Segment(kind, from, to, chips));
    }
  }

  private static Instant clamp(Instant t, Instant low, Instant high) {
    if (t == null || t.isBefore(low)) {
      return low;
    }
    return t.isAfter(high) ? high : t;
  }

  private static Instant later(Instant a, Instant b) {
    return b.isAfter(a) ? b : a;
  }

  /**
   * The segments' sums per UTC day from {@code from} to {@code to} (both included); a segment that
   * spans midnight is split at it. Days without any amount are left out.
   */
  public static Map<LocalDate, Totals> byDay(List<Segment> segments, LocalDate from, LocalDate to) {
    Map<LocalDate, Totals> days = new TreeMap<>();
    Instant windowStart = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant windowEnd = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    for (Segment s : segments) {
      Instant start = later(s.from(), windowStart);
      Instant stop = s.to().isBefore(windowEnd) ? s.to() : windowEnd;
      while (start.isBefore(stop)) {
        LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
        Instant midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant pieceEnd = midnight.isBefore(stop) ? midnight : stop;
        Segment piece = new Segment(s.kind(), start, pieceEnd, s.chips());
        days.merge(day, Totals.of(s.kind(), piece.amount()), Totals::plus);
        start = pieceEnd;
      }
    }
    return days;
  }

  /** Whether a failure or restart reason names a hang. */
  public static boolean isHang(String reason) {
    return reason != null && reason.startsWith(HANG);
  }
}
