package io.baton.orchestrator.endpoints;

import static io.baton.orchestrator.endpoints.RolloutState.CANARY;
import static io.baton.orchestrator.endpoints.RolloutState.PENDING;
import static io.baton.orchestrator.endpoints.RolloutState.ROLLED_BACK;
import static io.baton.orchestrator.endpoints.RolloutState.SCALING;
import static io.baton.orchestrator.endpoints.RolloutState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RolloutStateTest {

  @Test
  void theTableIsCanaryThenScalingThenSucceededAndAnyStepMayRollBack() {
    assertThat(PENDING.next()).containsExactlyInAnyOrder(CANARY, ROLLED_BACK);
    assertThat(CANARY.next()).containsExactlyInAnyOrder(SCALING, ROLLED_BACK);
    assertThat(SCALING.next()).containsExactlyInAnyOrder(SUCCEEDED, ROLLED_BACK);
  }

  @Test
  void noStepIsSkippedNorTakenBack() {
    assertThat(PENDING.canMoveTo(SCALING)).isFalse();
    assertThat(PENDING.canMoveTo(SUCCEEDED)).isFalse();
    assertThat(CANARY.canMoveTo(SUCCEEDED)).isFalse();
    assertThat(SCALING.canMoveTo(CANARY))
        .as("a resumed rollout never goes back to its canary")
        .isFalse();
    assertThat(CANARY.canMoveTo(PENDING)).isFalse();
  }

  @Test
  void endedRolloutsNeverChange() {
    assertThat(SUCCEEDED.isTerminal()).isTrue();
    assertThat(ROLLED_BACK.isTerminal()).isTrue();
    assertThat(Arrays.stream(RolloutState.values()).filter(RolloutState::isTerminal))
        .containsExactlyInAnyOrder(SUCCEEDED, ROLLED_BACK);
  }

  @Test
  void theNamesAreTheApisValues() {
    assertThat(Arrays.stream(RolloutState.values()).map(Enum::name))
        .containsExactly("PENDING", "CANARY", "SCALING", "SUCCEEDED", "ROLLED_BACK");
  }
}
