package io.baton.orchestrator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.endpoints.RolloutDecision.Observation;
import io.baton.orchestrator.endpoints.RolloutDecision.Replica;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of a rollout's next step, one test each. */
class RolloutDecisionTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static Replica ready(int index) {
    return new Replica(index, true, null);
  }

  private static Replica starting(int index) {
    return new Replica(index, false, null);
  }

  private static Replica exited(int index, int code) {
    return new Replica(index, false, code);
  }

  private static Observation seen(
      RolloutState state, boolean golden, Duration since, Replica... running) {
    int position = state == RolloutState.PENDING ? 0 : state == RolloutState.CANARY ? 1 : 3;
    return new Observation(
        state,
        3,
        position,
        state == RolloutState.PENDING ? null : T0,
        TIMEOUT,
        List.of(running),
        golden,
        T0.plus(since),
        Duration.ofSeconds(10));
  }

  private static RolloutDecision.Action decide(Observation o) {
    return RolloutDecision.decide(o);
  }

  @Test
  void aPendingRolloutStartsItsCanary() {
    assertThat(decide(seen(RolloutState.PENDING, false, Duration.ZERO)))
        .isInstanceOf(RolloutDecision.StartCanary.class);
  }

  @Test
  void aCanaryNotReadyYetIsWaitedFor() {
    assertThat(decide(seen(RolloutState.CANARY, false, Duration.ofSeconds(5), starting(0))))
        .isInstanceOf(RolloutDecision.Wait.class);
  }

  @Test
  void aReadyCanaryWithoutGoldenInputsScales() {
    assertThat(decide(seen(RolloutState.CANARY, false, Duration.ofSeconds(5), ready(0))))
        .isInstanceOf(RolloutDecision.Scale.class);
  }

  @Test
  void aReadyCanaryWithGoldenInputsIsCheckedFirst() {
    assertThat(decide(seen(RolloutState.CANARY, true, Duration.ofSeconds(5), ready(0))))
        .isInstanceOf(RolloutDecision.CheckGolden.class);
  }

  @Test
  void aCanaryThatExitedRollsBackWithItsExitCode() {
    assertThat(decide(seen(RolloutState.CANARY, true, Duration.ofSeconds(5), exited(0, 1))))
        .isEqualTo(new RolloutDecision.RollBack("canary 0 exited with code 1"));
  }

  @Test
  void aCanaryNotReadyWithinTheTimeoutOnTheClockRollsBack() {
    assertThat(decide(seen(RolloutState.CANARY, false, TIMEOUT, starting(0))))
        .as("at the timeout itself it still waits")
        .isInstanceOf(RolloutDecision.Wait.class);
    assertThat(decide(seen(RolloutState.CANARY, false, TIMEOUT.plusMillis(1), starting(0))))
        .isEqualTo(new RolloutDecision.RollBack("canary 0 not ready within 60 s"));
  }

  @Test
  void aReplicaJustAskedForThatDoesNotShowYetIsWaitedFor() {
    assertThat(decide(seen(RolloutState.CANARY, false, Duration.ofSeconds(5))))
        .isInstanceOf(RolloutDecision.Wait.class);
    assertThat(decide(seen(RolloutState.SCALING, false, Duration.ofSeconds(9), ready(0))))
        .isInstanceOf(RolloutDecision.Wait.class);
  }

  @Test
  void aReplicaTheBackendLostIsStartedAgainAndTheWaitGoesOnFromWhenItBegan() {
    assertThat(decide(seen(RolloutState.CANARY, false, Duration.ofSeconds(10))))
        .isEqualTo(new RolloutDecision.StartAgain(Set.of(0)));
    assertThat(decide(seen(RolloutState.SCALING, false, Duration.ofSeconds(15), ready(0))))
        .isEqualTo(new RolloutDecision.StartAgain(Set.of(1, 2)));
    assertThat(decide(seen(RolloutState.SCALING, false, TIMEOUT.plusSeconds(1), ready(0))))
        .as("lost replicas do not restart the clock")
        .isEqualTo(new RolloutDecision.RollBack("replica 1 not ready within 60 s"));
  }

  @Test
  void scalingWaitsUntilEveryReplicaIsReady() {
    assertThat(
            decide(
                seen(
                    RolloutState.SCALING,
                    true,
                    Duration.ofSeconds(5),
                    ready(0),
                    ready(1),
                    starting(2))))
        .isInstanceOf(RolloutDecision.Wait.class);
  }

  @Test
  void scalingSucceedsWhenEveryReplicaIsReady() {
    assertThat(
            decide(
                seen(
                    RolloutState.SCALING,
                    true,
                    Duration.ofSeconds(5),
                    ready(0),
                    ready(1),
                    ready(2))))
        .isInstanceOf(RolloutDecision.Succeed.class);
  }

  @Test
  void aReplicaThatExitsWhileScalingRollsBack() {
    assertThat(
            decide(
                seen(
                    RolloutState.SCALING,
                    true,
                    Duration.ofSeconds(5),
                    ready(0),
                    exited(1, 137),
                    starting(2))))
        .isEqualTo(new RolloutDecision.RollBack("replica 1 exited with code 137"));
  }

  @Test
  void scalingNotReadyWithinTheTimeoutRollsBackNamingTheFirstLateReplica() {
    assertThat(
            decide(
                seen(
                    RolloutState.SCALING,
                    false,
                    TIMEOUT.plusSeconds(1),
                    ready(0),
                    ready(1),
                    starting(2))))
        .isEqualTo(new RolloutDecision.RollBack("replica 2 not ready within 60 s"));
  }

  @Test
  void aResumedScalingRolloutNeverGoesBackToItsCanary() {
    for (Duration since : List.of(Duration.ZERO, Duration.ofSeconds(30))) {
      assertThat(
              decide(seen(RolloutState.SCALING, true, since, ready(0), starting(1), starting(2))))
          .isNotInstanceOfAny(
              RolloutDecision.StartCanary.class,
              RolloutDecision.CheckGolden.class,
              RolloutDecision.Scale.class);
    }
  }

  @Test
  void endedRolloutsDoNothing() {
    assertThat(decide(seen(RolloutState.SUCCEEDED, false, Duration.ZERO, ready(0))))
        .isInstanceOf(RolloutDecision.Wait.class);
    assertThat(decide(seen(RolloutState.ROLLED_BACK, false, Duration.ZERO)))
        .isInstanceOf(RolloutDecision.Wait.class);
  }
}
