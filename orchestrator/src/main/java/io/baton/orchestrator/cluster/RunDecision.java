package io.baton.orchestrator.cluster;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.jobs.JobState;
import java.util.List;
import java.util.Set;

/**
 * What to do next with a job that holds (or held) chips, from what is observed now. Pure: the
 * runner gathers the observation and carries out the action, and repeats every round, so a missed
 * event is only a late one.
 */
@Decision
public final class RunDecision {

  private RunDecision() {}

  /**
   * @param ranks what the backend knows of the current attempt's ranks (empty: nothing)
   * @param reported ranks of the current attempt that have reported progress
   * @param lostNodes placed nodes that are LOST
   * @param faultyChips placed chips that are FAULT, as {@code node/chip}
   * @param budgetExhausted restarts of the failure's kind exceed their budget
   */
  public record Observation(
      JobState state,
      int worldSize,
      List<RankState> ranks,
      Set<Integer> reported,
      List<String> lostNodes,
      List<String> faultyChips,
      boolean recoveryReady,
      boolean budgetExhausted) {}

  /** The next step. */
  public sealed interface Action {}

  /** Start the ranks of the current attempt. */
  public record Launch() implements Action {}

  /** The ranks exist; the job is STARTING. */
  public record MarkStarting() implements Action {}

  /** Every rank reported; the job is RUNNING. */
  public record MarkRunning() implements Action {}

  /** Every rank exited 0. */
  public record Succeed() implements Action {}

  /** A failure: stop the ranks and recover; {@code infrastructure} picks the budget. */
  public record Recover(boolean infrastructure, String cause) implements Action {}

  /** Recovering: ranks stopped, chips released; resume from a verified checkpoint. */
  public record Resume() implements Action {}

  /** Recovering with the budget spent: FAILED. */
  public record GiveUp(String reason) implements Action {}

  /** Cancelling: stop the ranks, CANCELLED. */
  public record FinishCancel() implements Action {}

  /** Nothing to do now. */
  public record Wait() implements Action {}

  public static Action decide(Observation o) {
    switch (o.state()) {
      case CANCELLING:
        return new FinishCancel();
      case ADMITTED:
        return o.ranks().isEmpty() ? new Launch() : new MarkStarting();
      case STARTING:
      case RUNNING:
        return running(o);
      case RECOVERING:
        if (o.recoveryReady()) {
          return new Wait();
        }
        return o.budgetExhausted() ? new GiveUp("restart budget spent") : new Resume();
      default:
        return new Wait();
    }
  }

  private static Action running(Observation o) {
    if (!o.lostNodes().isEmpty()) {
      return new Recover(
          true, "infrastructure failure: node " + String.join(", ", o.lostNodes()) + " lost");
    }
    if (!o.faultyChips().isEmpty()) {
      return new Recover(
          true, "infrastructure failure: chip " + String.join(", ", o.faultyChips()) + " FAULT");
    }
    if (o.ranks().isEmpty()) {
      return new Recover(true, "infrastructure failure: the ranks are gone (backend restarted)");
    }
    for (RankState rank : o.ranks()) {
      if (!rank.running() && rank.exitCode() != 0) {
        return new Recover(
            rank.infrastructure(),
            (rank.infrastructure() ? "infrastructure failure: rank " : "application failure: rank ")
                + rank.rank()
                + " on "
                + rank.node()
                + " exited with code "
                + rank.exitCode()
                + (rank.reason() == null ? "" : " (" + rank.reason() + ")"));
      }
    }
    boolean allDone =
        o.ranks().size() == o.worldSize() && o.ranks().stream().noneMatch(RankState::running);
    if (o.state() == JobState.STARTING && (o.reported().size() >= o.worldSize() || allDone)) {
      return new MarkRunning();
    }
    if (o.state() == JobState.RUNNING && allDone) {
      return new Succeed();
    }
    return new Wait();
  }
}
