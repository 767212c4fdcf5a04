package io.baton.orchestrator.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StragglerResponseTest {

  // Rank 1 computes 160 ms where the others take 40: 120 ms lost per 170 ms step.
  private static final Straggler SLOW = new Straggler(1, 4.0, 160, 40, 170.0, 81, 100);
  private static final Straggler LESS_SLOW = new Straggler(3, 1.5, 60, 40, 170.0, 81, 100);

  private static StragglerResponse.Input input(
      StragglerPolicy policy, Set<Integer> reported, long step, Long total, boolean spare) {
    return new StragglerResponse.Input(
        List.of(SLOW, LESS_SLOW), reported, policy, step, total, 50L, Duration.ofSeconds(3), spare);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                                      | policy  | step | total | spare | replace
          observe never replaces                      | OBSERVE | 100  | 10000 | true  | false
          avoid never replaces                        | AVOID   | 100  | 10000 | true  | false
          replace with a long run ahead replaces      | REPLACE | 100  | 10000 | true  | true
          not when the job is almost finished         | REPLACE | 100  | 110   | true  | false
          not without a node to move to               | REPLACE | 100  | 10000 | false | false
          not when the steps left are unknown         | REPLACE | 100  |       | true  | false
          """)
  void replacesOnlyUnderReplaceWhenItPaysAndAnotherNodeIsThere(
      String name, StragglerPolicy policy, long step, Long total, boolean spare, boolean replace) {
    StragglerResponse.Output output =
        StragglerResponse.decide(input(policy, Set.of(), step, total, spare));

    assertThat(output.replace().isPresent()).isEqualTo(replace);
    output.replace().ifPresent(r -> assertThat(r.straggler()).isEqualTo(SLOW));
    assertThat(output.report()).containsExactly(SLOW, LESS_SLOW);
  }

  @Test
  void aRankIsReportedOncePerAttemptButStillJudgedForReplacement() {
    StragglerResponse.Output output =
        StragglerResponse.decide(input(StragglerPolicy.REPLACE, Set.of(1, 3), 100, 10000L, true));

    assertThat(output.report()).isEmpty();
    assertThat(output.replace()).isPresent();
    assertThat(output.nothing()).isFalse();
  }

  @Test
  void nothingToDoWhenEveryStragglerWasReportedAndThePolicyObserves() {
    StragglerResponse.Output output =
        StragglerResponse.decide(input(StragglerPolicy.OBSERVE, Set.of(1, 3), 100, 10000L, true));

    assertThat(output.nothing()).isTrue();
  }

  @Test
  void theEventNamesRankNodeChipsFactorAndPolicyAndUnderReplaceTheArithmetic() {
    StragglerResponse.Output replace =
        StragglerResponse.decide(input(StragglerPolicy.REPLACE, Set.of(), 100, 110L, true));
    StragglerResponse.Output observe =
        StragglerResponse.decide(input(StragglerPolicy.OBSERVE, Set.of(), 100, 110L, true));
    StragglerResponse.Output stranded =
        StragglerResponse.decide(input(StragglerPolicy.REPLACE, Set.of(), 100, 110L, false));

    assertThat(
            StragglerResponse.eventReason(
                SLOW, "a-2", List.of(0, 1), StragglerPolicy.REPLACE, replace))
        .isEqualTo(
            "rank 1 on node a-2 (chips [0, 1]) is 4.00× slower than the rest of its gang"
                + " (median computeMs 160 ms vs 40 ms, steps 81–100); policy replace;"
                + " replacing does not pay: 10 steps left × 120 ms lost per step = 1.2 s"
                + " ≤ 50 steps since the last checkpoint × 50 ms + 3 s relaunch = 5.5 s");
    assertThat(
            StragglerResponse.eventReason(
                LESS_SLOW, "a-4", List.of(2), StragglerPolicy.REPLACE, replace))
        .as("only the slowest is judged")
        .endsWith("; policy replace");
    assertThat(
            StragglerResponse.eventReason(
                SLOW, "a-2", List.of(0, 1), StragglerPolicy.OBSERVE, observe))
        .endsWith("steps 81–100); policy observe");
    assertThat(
            StragglerResponse.eventReason(
                SLOW, "a-2", List.of(0, 1), StragglerPolicy.REPLACE, stranded))
        .endsWith("; policy replace; " + StragglerResponse.NO_SPARE_NODE);
  }
}
