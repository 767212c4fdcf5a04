package io.baton.orchestrator.jobs;

import static io.baton.orchestrator.jobs.JobState.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobStateTest {

  /** The lifecycle of ARCHITECTURE.md, written out independently of the enum's table. */
  static final Map<JobState, Set<JobState>> EXPECTED =
      Map.of(
          QUEUED, EnumSet.of(ADMITTED, CANCELLING),
          ADMITTED, EnumSet.of(STARTING, FAILED, CANCELLING),
          STARTING, EnumSet.of(RUNNING, RECOVERING, CANCELLING),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, RECOVERING, CANCELLING),
          RECOVERING, EnumSet.of(ADMITTED, FAILED, CANCELLING),
          CANCELLING, EnumSet.of(CANCELLED),
          SUCCEEDED, EnumSet.noneOf(JobState.class),
          FAILED, EnumSet.noneOf(JobState.class),
          CANCELLED, EnumSet.noneOf(JobState.class));

  static Stream<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        pairs.add(Arguments.of(from, to, EXPECTED.get(from).contains(to)));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
  @MethodSource("everyPair")
  void transitionTableMatchesTheLifecycle(JobState from, JobState to, boolean allowed) {
    assertThat(from.canMoveTo(to)).isEqualTo(allowed);
  }

  @Test
  void terminalStatesAreExactlyThoseWithNoWayOut() {
    assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isTerminal))
        .containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED);
  }

  @Test
  void everyNonTerminalStateCanBeCancelled() {
    for (JobState state : JobState.values()) {
      if (!state.isTerminal()) {
        assertThat(state.canMoveTo(CANCELLING) || state == CANCELLING)
            .as("%s can be cancelled", state)
            .isTrue();
      }
    }
  }

  @Test
  void noStateMovesToItself() {
    for (JobState state : JobState.values()) {
      assertThat(state.canMoveTo(state)).as(state.name()).isFalse();
    }
  }
}
