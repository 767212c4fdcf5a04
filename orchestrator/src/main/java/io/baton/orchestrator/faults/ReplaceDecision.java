package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Whether restarting a job without its slow node pays ({@code stragglerPolicy: replace}).
 *
 * <p>It pays when what the rest of the run would lose to the straggler exceeds what the restart
 * costs:
 *
 * <pre>
 *   steps left × time lost per step  &gt;  steps since the last checkpoint × a normal step time
 *                                          + the job's measured relaunch time
 * </pre>
 *
 * The steps since the last checkpoint are computed again after the restart (at the normal pace);
 * the relaunch time is what the job's last launch took from start to its first step. Per-step times
 * are kept to 0.1 ms and the relaunch to 1 ms, and the decision is taken on exactly those numbers,
 * so the {@link #arithmetic()} an operator reads in the {@code job.restart} event checks out by
 * hand.
 *
 * @param replace whether the restart pays
 * @param stepsLeft steps still to run
 * @param lostMsPerStep what each step loses waiting for the straggler
 * @param stepsSinceCheckpoint steps that would be computed again
 * @param normalStepMs a step's time without the straggler
 * @param relaunch the job's measured relaunch time
 */
@Decision
public record ReplaceDecision(
    boolean replace,
    long stepsLeft,
    double lostMsPerStep,
    long stepsSinceCheckpoint,
    double normalStepMs,
    Duration relaunch) {

  /** Why a replacement cannot be judged for a job without {@code totalSteps}. */
  public static final String UNKNOWN_TOTAL =
      "replacing cannot be judged: the job reports no totalSteps, so the steps left are unknown";

  public ReplaceDecision {
    if (stepsLeft < 0 || stepsSinceCheckpoint < 0) {
      throw new IllegalArgumentException("step counts cannot be negative");
    }
    lostMsPerStep = tenths(Math.max(0, lostMsPerStep));
    normalStepMs = tenths(Math.max(0, normalStepMs));
    relaunch = Duration.ofMillis(Math.max(0, relaunch.toMillis()));
  }

  /** The decision over plain numbers. */
  public static ReplaceDecision decide(
      long stepsLeft,
      double lostMsPerStep,
      long stepsSinceCheckpoint,
      double normalStepMs,
      Duration relaunch) {
    ReplaceDecision numbers =
        new ReplaceDecision(
            false, stepsLeft, lostMsPerStep, stepsSinceCheckpoint, normalStepMs, relaunch);
    return new ReplaceDecision(
        numbers.gain().compareTo(numbers.cost()) > 0,
        numbers.stepsLeft,
        numbers.lostMsPerStep,
        numbers.stepsSinceCheckpoint,
        numbers.normalStepMs,
        numbers.relaunch);
  }

  /**
   * The decision for a straggler of a running job; empty when the job reports no {@code
   * totalSteps}, so that the steps left are unknown (see {@link #UNKNOWN_TOTAL}).
   *
   * @param step the job's newest step
   * @param totalSteps the steps the job will run, as its progress reports them
   * @param checkpointStep the step of its newest verified checkpoint; null for none (a restart
   *     starts over)
   * @param relaunch the job's measured relaunch time
   */
  public static Optional<ReplaceDecision> decide(
      Straggler straggler, long step, Long totalSteps, Long checkpointStep, Duration relaunch) {
    if (totalSteps == null) {
      return Optional.empty();
    }
    long since = checkpointStep == null ? step : Math.max(0, step - checkpointStep);
    return Optional.of(
        decide(
            Math.max(0, totalSteps - step),
            straggler.lostMsPerStep(),
            since,
            straggler.normalStepMs(),
            relaunch));
  }

  /** What the rest of the run loses to the straggler, in milliseconds. */
  public double gainMs() {
    return gain().doubleValue();
  }

  /** What the restart costs, in milliseconds. */
  public double costMs() {
    return cost().doubleValue();
  }

  private BigDecimal gain() {
    return BigDecimal.valueOf(stepsLeft).multiply(BigDecimal.valueOf(lostMsPerStep));
  }

  private BigDecimal cost() {
    return BigDecimal.valueOf(stepsSinceCheckpoint)
        .multiply(BigDecimal.valueOf(normalStepMs))
        .add(BigDecimal.valueOf(relaunch.toMillis()));
  }

  /**
   * The decision with its numbers, e.g. {@code replacing pays: 12000 steps left × 180 ms lost per
   * step = 2160 s > 340 steps since the last checkpoint × 600 ms + 95 s relaunch = 299 s}.
   */
  public String arithmetic() {
    return (replace ? "replacing pays: " : "replacing does not pay: ")
        + stepsLeft
        + (stepsLeft == 1 ? " step" : " steps")
        + " left × "
        + ms(lostMsPerStep)
        + " lost per step = "
        + seconds(gain())
        + (replace ? " > " : " ≤ ")
        + stepsSinceCheckpoint
        + (stepsSinceCheckpoint == 1 ? " step" : " steps")
        + " since the last checkpoint × "
        + ms(normalStepMs)
        + " + "
        + seconds(BigDecimal.valueOf(relaunch.toMillis()))
        + " relaunch = "
        + seconds(cost());
  }

  /**
   * The reason of the {@code job.restart} event of a replacement; it starts with {@code STRAGGLER},
   * names the rank, its node and chips and how slow it was, and carries the arithmetic.
   */
  public static String restartReason(
      Straggler straggler, String node, List<Integer> chips, ReplaceDecision decision) {
    return "STRAGGLER " + describe(straggler, node, chips) + "; " + decision.arithmetic();
  }

  /**
   * A straggler in words: {@code rank 3 on node a-2 (chips [0, 1]) is 1.52× slower than the rest of
   * its gang (median computeMs 152 ms vs 100 ms, steps 181–200)}.
   */
  public static String describe(Straggler straggler, String node, List<Integer> chips) {
    return "rank "
        + straggler.rank()
        + " on node "
        + node
        + " (chips "
        + chips
        + ") is "
        + BigDecimal.valueOf(straggler.factor()).setScale(2, RoundingMode.HALF_UP).toPlainString()
        + "× slower than the rest of its gang (median computeMs "
        + ms(tenths(straggler.computeMs()))
        + " vs "
        + ms(tenths(straggler.gangComputeMs()))
        + ", steps "
        + straggler.fromStep()
        + "–"
        + straggler.toStep()
        + ")";
  }

  private static double tenths(double ms) {
    return BigDecimal.valueOf(ms).setScale(1, RoundingMode.HALF_UP).doubleValue();
  }

  private static String ms(double ms) {
    return plain(BigDecimal.valueOf(ms).setScale(1, RoundingMode.HALF_UP)) + " ms";
  }

  private static String seconds(BigDecimal ms) {
    return plain(ms.movePointLeft(3)) + " s";
  }

  private static String plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
  }
}
