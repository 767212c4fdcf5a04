package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.cluster.RunDecision.Observation;
import io.baton.orchestrator.jobs.JobState;
import io.baton.orchestrator.jobs.Liveness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunDecisionTest {

  static RankState running(int rank) {
    return new RankState(rank, "n" + rank, null);
  }

  static RankState exited(int rank, int code) {
    return new RankState(rank, "n" + rank, code);
  }

  static Observation seen(JobState state, List<RankState> ranks, Set<Integer> reported) {
    return new Observation(state, 2, ranks, reported, List.of(), List.of(), false, false);
  }

  @Test
  void anAdmittedJobIsLaunchedOnceThenStarting() {
    assertThat(RunDecision.decide(seen(JobState.ADMITTED, List.of(), Set.of())))
        .isInstanceOf(RunDecision.Launch.class);
    assertThat(
            RunDecision.decide(seen(JobState.ADMITTED, List.of(running(0), running(1)), Set.of())))
        .isInstanceOf(RunDecision.MarkStarting.class);
  }

  @Test
  void startingBecomesRunningWhenEveryRankReported() {
    assertThat(
            RunDecision.decide(seen(JobState.STARTING, List.of(running(0), running(1)), Set.of(0))))
        .isInstanceOf(RunDecision.Wait.class);
    assertThat(
            RunDecision.decide(
                seen(JobState.STARTING, List.of(running(0), running(1)), Set.of(0, 1))))
        .isInstanceOf(RunDecision.MarkRunning.class);
  }

  @Test
  void runningSucceedsWhenEveryRankExitedZero() {
    assertThat(
            RunDecision.decide(
                seen(JobState.RUNNING, List.of(exited(0, 0), running(1)), Set.of(0, 1))))
        .isInstanceOf(RunDecision.Wait.class);
    assertThat(
            RunDecision.decide(
                seen(JobState.RUNNING, List.of(exited(0, 0), exited(1, 0)), Set.of(0, 1))))
        .isInstanceOf(RunDecision.Succeed.class);
  }

  @Test
  void aNonZeroExitIsAnApplicationFailure() {
    RunDecision.Action action =
        RunDecision.decide(
            seen(JobState.RUNNING, List.of(running(0), exited(1, 137)), Set.of(0, 1)));

    assertThat(action)
        .isEqualTo(
            new RunDecision.Recover(
                false, "application failure: rank 1 on n1 exited with code 137"));
  }

  @Test
  void aRankTheMachineEndedIsAnInfrastructureFailureWithItsCause() {
    RankState evicted = new RankState(1, "n1", 137, "node n1 is gone", true);
    RankState oomKilled = new RankState(0, "n0", 137, "OOMKilled", false);

    assertThat(
            RunDecision.decide(seen(JobState.RUNNING, List.of(running(0), evicted), Set.of(0, 1))))
        .isEqualTo(
            new RunDecision.Recover(
                true,
                "infrastructure failure: rank 1 on n1 exited with code 137 (node n1 is gone)"));
    assertThat(
            RunDecision.decide(
                seen(JobState.RUNNING, List.of(oomKilled, running(1)), Set.of(0, 1))))
        .isEqualTo(
            new RunDecision.Recover(
                false, "application failure: rank 0 on n0 exited with code 137 (OOMKilled)"));
  }

  @Test
  void faultyChipsLostNodesAndVanishedRanksAreInfrastructureFailures() {
    Observation fault =
        new Observation(
            JobState.RUNNING,
            2,
            List.of(running(0), running(1)),
            Set.of(0, 1),
            List.of(),
            List.of("n0/3"),
            false,
            false);
    Observation lost =
        new Observation(
            JobState.STARTING,
            2,
            List.of(running(0), running(1)),
            Set.of(),
            List.of("n1"),
            List.of(),
            false,
            false);
    Observation vanished = seen(JobState.RUNNING, List.of(), Set.of(0, 1));

    assertThat(RunDecision.decide(fault))
        .isEqualTo(new RunDecision.Recover(true, "infrastructure failure: chip n0/3 FAULT"));
    assertThat(RunDecision.decide(lost))
        .isEqualTo(new RunDecision.Recover(true, "infrastructure failure: node n1 lost"));
    assertThat(RunDecision.decide(vanished))
        .isInstanceOf(RunDecision.Recover.class)
        .extracting(a -> ((RunDecision.Recover) a).infrastructure())
        .isEqualTo(true);
  }

  @Test
  void infrastructureFailuresWinOverExitCodes() {
    Observation both =
        new Observation(
            JobState.RUNNING,
            2,
            List.of(exited(0, 1), running(1)),
            Set.of(0, 1),
            List.of(),
            List.of("n0/0"),
            false,
            false);

    assertThat(((RunDecision.Recover) RunDecision.decide(both)).infrastructure()).isTrue();
  }

  @Test
  void recoveringResumesUntilTheBudgetIsSpent() {
    Observation fresh =
        new Observation(
            JobState.RECOVERING, 2, List.of(), Set.of(), List.of(), List.of(), false, false);
    Observation spent =
        new Observation(
            JobState.RECOVERING, 2, List.of(), Set.of(), List.of(), List.of(), false, true);
    Observation ready =
        new Observation(
            JobState.RECOVERING, 2, List.of(), Set.of(), List.of(), List.of(), true, false);

    assertThat(RunDecision.decide(fresh)).isInstanceOf(RunDecision.Resume.class);
    assertThat(RunDecision.decide(spent)).isInstanceOf(RunDecision.GiveUp.class);
    assertThat(RunDecision.decide(ready)).isInstanceOf(RunDecision.Wait.class);
  }

  @Test
  void cancellingStopsWhateverRuns() {
    assertThat(RunDecision.decide(seen(JobState.CANCELLING, List.of(running(0)), Set.of())))
        .isInstanceOf(RunDecision.FinishCancel.class);
  }

  // ---- hangs ----

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** Ranks 0 and 1 made their last steps at these seconds after T0; the timeout is 30 s. */
  static Liveness steppedAt(long rank0, long rank1) {
    return Liveness.of(
        T0,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(30),
        List.of(new Liveness.StepSample(57, T0.plusSeconds(Math.max(rank0, rank1)), 80.0)),
        List.of(
            new Liveness.RankStep(0, 57, T0.plusSeconds(rank0)),
            new Liveness.RankStep(1, 56, T0.plusSeconds(rank1))));
  }

  static Observation watched(JobState state, List<RankState> ranks, Liveness l, Instant now) {
    return new Observation(
        state, 2, ranks, Set.of(0, 1), List.of(), List.of(), false, false, l, now);
  }

  @Test
  void aRunningJobWhoseRanksAllWentWithoutANewStepForTheTimeoutIsHung() {
    RunDecision.Action action =
        RunDecision.decide(
            watched(
                JobState.RUNNING,
                List.of(running(0), running(1)),
                steppedAt(10, 12),
                T0.plusSeconds(42)));

    assertThat(action)
        .isEqualTo(
            new RunDecision.Recover(
                true,
                "HANG: no new step for PT30S (hang timeout from spec); last steps: rank 0 step 57"
                    + " at 2026-03-01T10:00:10Z, rank 1 step 56 at 2026-03-01T10:00:12Z"));
  }

  @Test
  void beforeTheTimeoutAHungLookingJobWaits() {
    assertThat(
            RunDecision.decide(
                watched(
                    JobState.RUNNING,
                    List.of(running(0), running(1)),
                    steppedAt(10, 12),
                    T0.plusSeconds(41))))
        .isInstanceOf(RunDecision.Wait.class);
  }

  @Test
  void oneRankSteppingOnWhileTheOtherIsStuckIsNoHang() {
    assertThat(
            RunDecision.decide(
                watched(
                    JobState.RUNNING,
                    List.of(running(0), running(1)),
                    steppedAt(0, 40),
                    T0.plusSeconds(45))))
        .isInstanceOf(RunDecision.Wait.class);
  }

  @Test
  void aStartingJobWithoutAStepWithinTheStartupTimeoutIsHung() {
    Liveness noStep =
        Liveness.of(T0, null, Duration.ofMinutes(5), Duration.ofMinutes(30), List.of(), List.of());

    RunDecision.Action action =
        RunDecision.decide(
            new Observation(
                JobState.STARTING,
                2,
                List.of(running(0), running(1)),
                Set.of(),
                List.of(),
                List.of(),
                false,
                false,
                noStep,
                T0.plus(Duration.ofMinutes(30))));

    assertThat(action)
        .isEqualTo(
            new RunDecision.Recover(
                true,
                "HANG: no step since the attempt started PT30M (hang timeout from startup); last"
                    + " steps: rank 0 none, rank 1 none"));
  }

  @Test
  void aRankThatAlreadyEndedMakesItNoHang() {
    assertThat(
            RunDecision.decide(
                watched(
                    JobState.RUNNING,
                    List.of(exited(0, 0), running(1)),
                    steppedAt(10, 12),
                    T0.plusSeconds(300))))
        .isInstanceOf(RunDecision.Wait.class);
  }

  @Test
  void aFaultyChipOrAFailedRankIsNamedBeforeAHang() {
    Observation faultyAndHung =
        new Observation(
            JobState.RUNNING,
            2,
            List.of(running(0), running(1)),
            Set.of(0, 1),
            List.of(),
            List.of("n0/3"),
            false,
            false,
            steppedAt(10, 12),
            T0.plusSeconds(300));
    Observation failedAndHung =
        watched(
            JobState.RUNNING,
            List.of(running(0), exited(1, 3)),
            steppedAt(10, 12),
            T0.plusSeconds(300));

    assertThat(((RunDecision.Recover) RunDecision.decide(faultyAndHung)).cause())
        .startsWith("infrastructure failure: chip n0/3");
    assertThat(((RunDecision.Recover) RunDecision.decide(failedAndHung)).cause())
        .startsWith("application failure: rank 1");
  }

  @Test
  void withoutAStepClockThereIsNoHang() {
    assertThat(
            RunDecision.decide(
                watched(JobState.RUNNING, List.of(running(0), running(1)), null, T0)))
        .isInstanceOf(RunDecision.Wait.class);
  }

  @Test
  void aPlacedChipIsolatedByTheFaultPolicyRecoversTheJobAsAnInfrastructureFailure() {
    Observation isolated =
        new Observation(
            JobState.RUNNING,
            2,
            List.of(running(0), running(1)),
            Set.of(0, 1),
            List.of(),
            List.of(),
            false,
            false,
            null,
            T0,
            List.of("a-1/2 isolated by the fault policy"));

    assertThat(RunDecision.decide(isolated))
        .isEqualTo(
            new RunDecision.Recover(
                true, "infrastructure failure: a-1/2 isolated by the fault policy"));
    assertThat(
            RunDecision.decide(
                seen(JobState.RUNNING, List.of(running(0), running(1)), Set.of(0, 1))))
        .isInstanceOf(RunDecision.Wait.class);
  }
}
