package io.baton.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arithmetic of {@code ./bench/run faults}, apart from the running: how late a hang was
 * detected, where a slowdown starts in a progress series and when a detector first flags it, the
 * goodput ledger's sum error, and the scripted replace cases with their expected answers.
 */
final class FaultFigures {

  private FaultFigures() {}

  /** One point of {@code GET /api/v1/jobs/{id}/progress}. */
  record Sample(int rank, long step, Double stepMs, Double computeMs, Instant time, int attempt) {}

  /** A rank a straggler detector flagged, and how much slower than its gang it was. */
  record Flag(int rank, double factor) {}

  /** What a detector answers for the samples seen so far. */
  @FunctionalInterface
  interface Detector {
    List<Flag> detect(List<Sample> samples, double factor, int window) throws Exception;
  }

  private static final Pattern LAST_STEP_AT = Pattern.compile(" at (\\S+?)(?:,|$)");

  /**
   * How long after its timeout a hang was detected: the {@code RECOVERING} event's time − (the
   * newest last step its {@code HANG: … last steps: rank 0 step N at T, …} reason names + the hang
   * timeout), in milliseconds.
   */
  static long hangDetectMs(String reason, Instant recoveringAt, Duration timeout) {
    if (reason == null || !reason.startsWith("HANG")) {
      throw new IllegalArgumentException("not a hang's cause: " + reason);
    }
    Matcher at = LAST_STEP_AT.matcher(reason);
    Instant last = null;
    while (at.find()) {
      Instant step = Instant.parse(at.group(1));
      last = last == null || step.isAfter(last) ? step : last;
    }
    if (last == null) {
      throw new IllegalArgumentException("the hang's cause names no last step: " + reason);
    }
    return Duration.between(last.plus(timeout), recoveringAt).toMillis();
  }

  /**
   * The first step {@code rank} reported at or after {@code slowedAt} in {@code attempt}: the first
   * step that can have run slowed (the trainer reads its faults at every step).
   */
  static OptionalLong firstStepAfter(List<Sample> series, int rank, int attempt, Instant slowedAt) {
    return series.stream()
        .filter(s -> s.rank() == rank && s.attempt() == attempt && !s.time().isBefore(slowedAt))
        .mapToLong(Sample::step)
        .min();
  }

  /**
   * Replays {@code series} (one attempt's points) step by step from {@code fromStep} through the
   * detector, as a runner judging after every step would: the first step at which {@code rank} is
   * flagged, if any.
   */
  static OptionalLong firstFlaggedStep(
      List<Sample> series, int rank, long fromStep, double factor, int window, Detector detector)
      throws Exception {
    TreeSet<Long> steps = new TreeSet<>();
    series.forEach(s -> steps.add(s.step()));
    for (long step : steps.tailSet(fromStep)) {
      List<Sample> seen = new ArrayList<>();
      for (Sample s : series) {
        if (s.step() <= step) {
          seen.add(s);
        }
      }
      for (Flag flag : detector.detect(seen, factor, window)) {
        if (flag.rank() == rank) {
          return OptionalLong.of(step);
        }
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Steps from the slowdown until it is flagged, counting both ends: the slowed steps the detector
   * had seen when it flagged the rank.
   */
  static long stepsToDetect(long firstSlowStep, long flaggedAtStep) {
    return flaggedAtStep - firstSlowStep + 1;
  }

  /** |productive + redone + recovery + stalled − allocated| / allocated × 100. */
  static double goodputSumErrorPct(
      double allocated, double productive, double redone, double recovery, double stalled) {
    if (!(allocated > 0)) {
      throw new IllegalArgumentException("nothing allocated: " + allocated);
    }
    return Math.abs(productive + redone + recovery + stalled - allocated) / allocated * 100;
  }

  /** One event of {@code GET /api/v1/jobs/{id}/events}: its type, target state, reason, time. */
  record Event(String type, String to, String reason, Instant time) {}

  private static final Pattern CHIP_LIST = Pattern.compile("\\[([^\\]]*)]");
  private static final List<String> TERMINAL = List.of("SUCCEEDED", "FAILED", "CANCELLED");

  /**
   * The chip-seconds a job held according to its events, independently of the ledger: Σ over its
   * attempts of the chips its admission placed ({@code placed on n1 [0, 1, …], n2 […]}) × (the
   * attempt's {@code job.restart} or terminal state − its admission).
   */
  static double chipSecondsHeld(List<Event> events) {
    double total = 0;
    Instant admitted = null;
    int chips = 0;
    for (Event e : events) {
      String to = e.to() == null ? "" : e.to();
      if (e.type().equals("job.state") && to.equals("ADMITTED")) {
        admitted = e.time();
        chips = chipsPlaced(e.reason());
      } else if (admitted != null && (e.type().equals("job.restart") || TERMINAL.contains(to))) {
        total += chips * Duration.between(admitted, e.time()).toNanos() / 1e9;
        admitted = null;
      }
    }
    return total;
  }

  private static int chipsPlaced(String reason) {
    Matcher lists = CHIP_LIST.matcher(reason == null ? "" : reason);
    int chips = 0;
    while (lists.find()) {
      if (!lists.group(1).isBlank()) {
        chips += lists.group(1).split(",").length;
      }
    }
    return chips;
  }

  /** |a − b| / b × 100. */
  static double errorPct(double a, double b) {
    return Math.abs(a - b) / b * 100;
  }

  /** A straggler as the runner would pass it to {@code ReplaceDecision}: rank 1 of a job. */
  record StragglerCase(
      double computeMs,
      double gangComputeMs,
      Double stepMs,
      long step,
      Long totalSteps,
      Long checkpointStep) {}

  /**
   * One scripted replace decision: either plain numbers or (when {@code straggler} is set) a
   * straggler of a running job; {@code expected} null means "cannot be judged".
   */
  record ReplaceCase(
      String name,
      long stepsLeft,
      double lostMsPerStep,
      long stepsSinceCheckpoint,
      double normalStepMs,
      Duration relaunch,
      StragglerCase straggler,
      Boolean expected) {

    static ReplaceCase numbers(
        String name,
        long stepsLeft,
        double lostMs,
        long since,
        double normalMs,
        long relaunchSeconds,
        boolean expected) {
      return new ReplaceCase(
          name,
          stepsLeft,
          lostMs,
          since,
          normalMs,
          Duration.ofSeconds(relaunchSeconds),
          null,
          expected);
    }

    static ReplaceCase straggler(
        String name, StragglerCase straggler, long relaunchSeconds, Boolean expected) {
      return new ReplaceCase(
          name, 0, 0, 0, 0, Duration.ofSeconds(relaunchSeconds), straggler, expected);
    }
  }

  /** What a decision answered: replace or not (null: cannot be judged), and its arithmetic. */
  record Verdict(Boolean replace, String arithmetic) {}

  /**
   * The scripted cases. Expected answers worked out by hand from the rule "steps left × ms lost per
   * step &gt; steps since the last checkpoint × normal step ms + relaunch"; with a straggler, lost
   * = its computeMs − the gang's and normal = stepMs − lost.
   */
  static List<ReplaceCase> replaceCases() {
    return List.of(
        // 12000 × 180 ms = 2160 s > 340 × 600 ms + 95 s = 299 s
        ReplaceCase.numbers("a long run ahead", 12_000, 180, 340, 600, 95, true),
        // 100 × 180 ms = 18 s ≤ 299 s
        ReplaceCase.numbers("almost finished: 100 steps left", 100, 180, 340, 600, 95, false),
        // 300 × 180 ms = 54 s ≤ 0 + 95 s, even with a fresh checkpoint
        ReplaceCase.numbers("almost finished, fresh checkpoint", 300, 180, 0, 600, 95, false),
        // 2000 × 180 ms = 360 s ≤ 1000 × 600 ms + 95 s = 695 s
        ReplaceCase.numbers("many steps to redo", 2_000, 180, 1_000, 600, 95, false),
        // 1000 × 100 ms = 100 s ≤ 100 s
        ReplaceCase.numbers("breaking even", 1_000, 100, 0, 600, 100, false),
        // 1001 × 100 ms = 100.1 s > 100 s
        ReplaceCase.numbers("one step past breaking even", 1_001, 100, 0, 600, 100, true),
        // nothing left to gain
        ReplaceCase.numbers("no steps left", 0, 180, 0, 600, 0, false),
        // early: step 10 of 12000, no checkpoint yet; lost 50 ms, normal 110 ms:
        // 11990 × 50 ms = 599.5 s > 10 × 110 ms + 60 s = 61.1 s
        ReplaceCase.straggler(
            "early straggler, no checkpoint yet",
            new StragglerCase(150, 100, 160.0, 10, 12_000L, null),
            60,
            true),
        // early but barely slow: lost 4 ms, 1990 × 4 ms = 7.96 s ≤ 10 × 100 ms + 90 s = 91 s
        ReplaceCase.straggler(
            "early, barely slow, slow relaunch",
            new StragglerCase(104, 100, 104.0, 10, 2_000L, null),
            90,
            false),
        // mid-run: lost 52 ms, normal 548 ms; 12000 × 52 ms = 624 s > 100 × 548 ms + 95 s
        ReplaceCase.straggler(
            "mid-run straggler", new StragglerCase(152, 100, 600.0, 200, 12_200L, 100L), 95, true),
        // near finished: 10 × 52 ms = 0.52 s ≤ 90 × 548 ms + 95 s = 144.32 s
        ReplaceCase.straggler(
            "near-finished straggler",
            new StragglerCase(152, 100, 600.0, 11_990, 12_000L, 11_900L),
            95,
            false),
        // a job that reports no totalSteps: the steps left are unknown
        ReplaceCase.straggler(
            "no totalSteps reported",
            new StragglerCase(152, 100, 600.0, 200, null, 100L),
            95,
            null));
  }

  /** Whether a verdict is the expected answer. */
  static boolean matches(ReplaceCase c, Verdict v) {
    return java.util.Objects.equals(c.expected(), v.replace());
  }

  /** The p-th percentile (nearest rank) of sorted values. */
  static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
