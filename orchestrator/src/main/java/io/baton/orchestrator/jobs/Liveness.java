package io.baton.orchestrator.jobs;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a starting or running attempt still makes steps, and how long it may go without one: its
 * hang timeout. Pure; {@link JobService#liveness} gathers the inputs from the progress series.
 *
 * <p>The timeout in force, in this order:
 *
 * <ol>
 *   <li>no step of the attempt yet: the pool's {@code startupTimeout}, or the spec's {@code
 *       hangTimeout} if that is longer ({@link Source#STARTUP} / {@link Source#SPEC});
 *   <li>the spec's {@code hangTimeout} ({@link Source#SPEC});
 *   <li>{@value #FACTOR} × the typical step time of the newest {@value #WINDOW} steps ({@link
 *       Source#DERIVED}), never below the pool's {@code hangTimeoutFloor} ({@link Source#FLOOR});
 *   <li>steps but no step time yet (one step, no {@code stepMs}): still the startup timeout.
 * </ol>
 *
 * The typical step time is the median of the ranks' reported {@code stepMs}; without it, the mean
 * over the window from the steps' timestamps. Not their median: the agent stamps lines when it
 * reads them, once per interval, so steps shorter than the interval arrive in batches with one
 * timestamp and most gaps between them are zero.
 *
 * <p>The clock runs from the newest step any rank reported ({@code lastStepAt}), or from the start
 * of the attempt before one: a job is hung only when <em>every</em> rank has gone without a new
 * step for the timeout. One rank stuck while the others step on is a straggler, not a hang.
 *
 * @param lastStepAt when the agent read the newest step line of the attempt; null before one
 * @param hangTimeout the timeout in force and where it comes from
 * @param expiresAt when the attempt is hung unless a rank steps first
 * @param ranks the newest step of each rank that reported one in the attempt, by rank
 */
@Decision
public record Liveness(
    Instant lastStepAt, Timeout hangTimeout, Instant expiresAt, List<RankStep> ranks) {

  /** Steps the typical step time is taken over. */
  public static final int WINDOW = 50;

  /** The derived timeout is this many typical steps. */
  public static final int FACTOR = 10;

  public Liveness {
    ranks = List.copyOf(ranks);
  }

  /** Where a timeout comes from. */
  public enum Source {
    SPEC,
    DERIVED,
    FLOOR,
    STARTUP
  }

  /** A hang timeout and where it comes from. */
  public record Timeout(Duration duration, Source source) {}

  /** The newest step a rank reported, and when its line was read. */
  public record RankStep(int rank, long step, Instant at) {}

  /**
   * One step of the attempt: when its newest line was read, and the median {@code stepMs} its ranks
   * reported (null when none did).
   */
  public record StepSample(long step, Instant at, Double stepMs) {}

  /**
   * @param attemptStart when the attempt began (its STARTING), the clock's start before a step
   * @param spec the spec's {@code hangTimeout}; null when unset
   * @param recent the attempt's newest steps, newest first ({@value #WINDOW} + 1 suffice)
   * @param ranks the newest step of each rank that reported one
   */
  public static Liveness of(
      Instant attemptStart,
      Duration spec,
      Duration floor,
      Duration startup,
      List<StepSample> recent,
      List<RankStep> ranks) {
    Instant lastStepAt =
        ranks.stream().map(RankStep::at).max(Comparator.naturalOrder()).orElse(null);
    Timeout timeout = timeout(spec, floor, startup, recent);
    Instant since = lastStepAt == null ? attemptStart : lastStepAt;
    return new Liveness(
        lastStepAt,
        timeout,
        since.plus(timeout.duration()),
        ranks.stream().sorted(Comparator.comparingInt(RankStep::rank)).toList());
  }

  /** The timeout in force; see the class comment for the rules. */
  public static Timeout timeout(
      Duration spec, Duration floor, Duration startup, List<StepSample> recent) {
    if (recent.isEmpty()) {
      return spec != null && spec.compareTo(startup) > 0
          ? new Timeout(spec, Source.SPEC)
          : new Timeout(startup, Source.STARTUP);
    }
    if (spec != null) {
      return new Timeout(spec, Source.SPEC);
    }
    Optional<Duration> typical = typicalStep(recent);
    if (typical.isEmpty()) {
      return new Timeout(startup, Source.STARTUP);
    }
    Duration derived = typical.get().multipliedBy(FACTOR);
    return derived.compareTo(floor) < 0
        ? new Timeout(floor, Source.FLOOR)
        : new Timeout(derived, Source.DERIVED);
  }

  /**
   * The typical step time of the newest {@value #WINDOW} steps (newest first): the median reported
   * {@code stepMs}, else the mean from the timestamps; empty when neither can be told.
   */
  public static Optional<Duration> typicalStep(List<StepSample> newestFirst) {
    List<StepSample> window = newestFirst.subList(0, Math.min(WINDOW, newestFirst.size()));
    List<Double> reported =
        new ArrayList<>(window.stream().map(StepSample::stepMs).filter(Objects::nonNull).toList());
    if (!reported.isEmpty()) {
      reported.sort(null);
      int n = reported.size();
      double median =
          n % 2 == 1 ? reported.get(n / 2) : (reported.get(n / 2 - 1) + reported.get(n / 2)) / 2;
      return Optional.of(Duration.ofNanos(Math.round(median * 1_000_000)));
    }
    if (newestFirst.size() < 2) {
      return Optional.empty();
    }
    StepSample newest = newestFirst.get(0);
    StepSample oldest = newestFirst.get(Math.min(WINDOW, newestFirst.size() - 1));
    long steps = newest.step() - oldest.step();
    if (steps <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(oldest.at(), newest.at()).dividedBy(steps));
  }

  /** Whether every rank has gone without a new step for the timeout at {@code now}. */
  public boolean hungAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
