package io.baton.orchestrator.cluster;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.jobs.JobState;
import io.baton.orchestrator.jobs.Liveness;
import java.time.Instant;
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
   * @param liveness the attempt's step clock while STARTING or RUNNING; null when not known
   * @param now the time the observation was made
   * @param isolated what the fault policy found under the job, in words: placed chips or nodes it
   *     isolated ({@code a-1/3 isolated by the fault policy}) and verdicts asking to restart it
   */
  public record Observation(
      JobState state,
      int worldSize,
      List<RankState> ranks,
      Set<Integer> reported,
      List<String> lostNodes,
      List<String> faultyChips,
      boolean recoveryReady,
      boolean budgetExhausted,
      Liveness liveness,
      Instant now,
      List<String> isolated) {

    /** Without isolations. */
    public Observation(
        JobState state,
        int worldSize,
        List<RankState> ranks,
        Set<Integer> reported,
        List<String> lostNodes,
        List<String> faultyChips,
        boolean recoveryReady,
        boolean budgetExhausted,
        Liveness liveness,
        Instant now) {
      this(
          state,
          worldSize,
          ranks,
          reported,
          lostNodes,
          faultyChips,
          recoveryReady,
          budgetExhausted,
          liveness,
          now,
          List.of());
    }

    /** Without a step clock: no hang can be told. */
    public Observation(
        JobState state,
        int worldSize,
        List<RankState> ranks,
        Set<Integer> reported,
        List<String> lostNodes,
        List<String> faultyChips,
        boolean recoveryReady,
        boolean budgetExhausted) {
      this(
          state,
          worldSize,
          ranks,
          reported,
          lostNodes,
          faultyChips,
          recoveryReady,
          budgetExhausted,
          null,
          null);
    }
  }

  /** The cause of a hang's recovery starts with this, and so does its restart event's reason. */
  public static final String HANG = "HANG";

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
    if (o.isolated() != null && !o.isolated().isEmpty()) {
      return new Recover(true, "infrastructure failure: " + String.join("; ", o.isolated()));
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
    if (hung(o)) {
      return new Recover(true, hangCause(o));
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

  /**
   * Every rank runs and none made a new step for the hang timeout. A rank that already ended (the
   * others finishing, or failing, which the rules above handle) means it is no hang.
   */
  private static boolean hung(Observation o) {
    return o.liveness() != null
        && o.now() != null
        && o.ranks().size() == o.worldSize()
        && o.ranks().stream().allMatch(RankState::running)
        && o.liveness().hungAt(o.now());
  }

  /** {@code HANG: ...} with the timeout, its source, and each rank's last step. */
  private static String hangCause(Observation o) {
    Liveness l = o.liveness();
    StringBuilder cause = new StringBuilder(HANG).append(": ");
    cause
        .append(l.lastStepAt() == null ? "no step since the attempt started " : "no new step for ")
        .append(l.hangTimeout().duration())
        .append(" (hang timeout from ")
        .append(l.hangTimeout().source().name().toLowerCase(java.util.Locale.ROOT))
        .append("); last steps:");
    for (int rank = 0; rank < o.worldSize(); rank++) {
      final int r = rank;
      cause.append(rank == 0 ? " " : ", ").append("rank ").append(rank);
      l.ranks().stream()
          .filter(s -> s.rank() == r)
          .findFirst()
          .ifPresentOrElse(
              s -> cause.append(" step ").append(s.step()).append(" at ").append(s.at()),
              () -> cause.append(" none"));
    }
    return cause.toString();
  }
}
