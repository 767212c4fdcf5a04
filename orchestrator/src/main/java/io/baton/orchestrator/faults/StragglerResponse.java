package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the runner does about the stragglers of one running job in one pass: which ranks to report
 * (each once per attempt, so a slow episode is one {@code job.straggler} event, not one per pass)
 * and whether to restart the job without the slowest rank's node.
 *
 * <p>A replacement is considered only under {@link StragglerPolicy#REPLACE}, for the slowest
 * straggler, when the pool has another node for the job (replacing must never strand it) and when
 * {@link ReplaceDecision} says it pays. Its decision is given back either way, so the event can
 * carry the arithmetic of a replacement that did not pay.
 */
@Decision
public final class StragglerResponse {

  private StragglerResponse() {}

  /**
   * @param stragglers what {@link StragglerDetector} found, slowest first
   * @param reported ranks already reported in this attempt
   * @param policy the job's effective policy
   * @param step the job's newest step
   * @param totalSteps the steps the job will run; null when not reported
   * @param checkpointStep its newest checkpoint's step; null for none
   * @param relaunch the job's measured relaunch time
   * @param spareNode whether the pool has a node the job could use instead
   */
  public record Input(
      List<Straggler> stragglers,
      Set<Integer> reported,
      StragglerPolicy policy,
      long step,
      Long totalSteps,
      Long checkpointStep,
      Duration relaunch,
      boolean spareNode) {
    public Input {
      stragglers = List.copyOf(stragglers);
      reported = Set.copyOf(reported);
    }
  }

  /**
   * @param report stragglers not reported before in this attempt
   * @param judgedRank the straggler whose replacement was judged; null when none was
   * @param judgement what was decided for it, in words (the arithmetic, or why it could not be
   *     judged); null when none was
   * @param replace the straggler whose node to leave and the decision, when replacing pays
   */
  public record Output(
      List<Straggler> report, Integer judgedRank, String judgement, Optional<Replace> replace) {

    /** Whether the pass has nothing to do. */
    public boolean nothing() {
      return report.isEmpty() && replace.isEmpty();
    }
  }

  /** Restart the job without {@code straggler}'s node, as {@code decision} says it pays. */
  public record Replace(Straggler straggler, ReplaceDecision decision) {}

  /** Why a replacement was not judged although the policy is {@code replace}. */
  public static final String NO_SPARE_NODE =
      "replacing not considered: the pool has no other node for the job";

  public static Output decide(Input in) {
    List<Straggler> report =
        in.stragglers().stream().filter(s -> !in.reported().contains(s.rank())).toList();
    if (in.policy() != StragglerPolicy.REPLACE || in.stragglers().isEmpty()) {
      return new Output(report, null, null, Optional.empty());
    }
    Straggler slowest = in.stragglers().get(0);
    if (!in.spareNode()) {
      return new Output(report, slowest.rank(), NO_SPARE_NODE, Optional.empty());
    }
    Optional<ReplaceDecision> judged =
        ReplaceDecision.decide(
            slowest, in.step(), in.totalSteps(), in.checkpointStep(), in.relaunch());
    return new Output(
        report,
        slowest.rank(),
        judged.map(ReplaceDecision::arithmetic).orElse(ReplaceDecision.UNKNOWN_TOTAL),
        judged.filter(ReplaceDecision::replace).map(d -> new Replace(slowest, d)));
  }

  /**
   * The reason of a {@code job.straggler} event: the straggler in words ({@code rank}, {@code
   * node}, {@code chips}, {@code factor}), the {@code policy}, and under {@code replace} what was
   * decided and why.
   */
  public static String eventReason(
      Straggler straggler,
      String node,
      List<Integer> chips,
      StragglerPolicy policy,
      Output output) {
    String reason = ReplaceDecision.describe(straggler, node, chips) + "; policy " + policy.wire();
    return output.judgedRank() != null && output.judgedRank() == straggler.rank()
        ? reason + "; " + output.judgement()
        : reason;
  }
}
