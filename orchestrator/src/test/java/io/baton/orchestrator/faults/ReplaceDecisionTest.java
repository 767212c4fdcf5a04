package io.baton.orchestrator.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplaceDecisionTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                                  | steps left | lost ms | since ckpt | normal ms | relaunch s | replace
          a long run ahead pays                   | 12000      | 180     | 340        | 600       | 95         | true
          not when the job is almost finished     | 100        | 180     | 340        | 600       | 95         | false
          a fresh checkpoint makes it cheap       | 2000       | 180     | 0          | 600       | 95         | true
          many steps to redo make it dear         | 2000       | 180     | 1000       | 600       | 95         | false
          a slow relaunch outweighs a small loss  | 5000       | 50      | 10         | 600       | 600        | false
          breaking even does not pay              | 1000       | 100     | 0          | 600       | 100        | false
          one step past breaking even pays        | 1001       | 100     | 0          | 600       | 100        | true
          nothing lost, nothing to gain           | 100000     | 0       | 0          | 600       | 0          | false
          no steps left                           | 0          | 180     | 0          | 600       | 0          | false
          """)
  void replacingPaysOnlyWhenTheLossExceedsTheRestartsCost(
      String name,
      long stepsLeft,
      double lostMs,
      long sinceCheckpoint,
      double normalMs,
      long relaunchSeconds,
      boolean replace) {
    ReplaceDecision decision =
        ReplaceDecision.decide(
            stepsLeft, lostMs, sinceCheckpoint, normalMs, Duration.ofSeconds(relaunchSeconds));

    assertThat(decision.replace()).isEqualTo(replace);
    assertThat(decision.gainMs()).isEqualTo(stepsLeft * lostMs);
    assertThat(decision.costMs()).isEqualTo(sinceCheckpoint * normalMs + relaunchSeconds * 1000.0);
  }

  @Test
  void theArithmeticReadsAsItWasDecided() {
    ReplaceDecision pays = ReplaceDecision.decide(12000, 180, 340, 600, Duration.ofSeconds(95));
    ReplaceDecision doesNot = ReplaceDecision.decide(100, 180, 1, 600, Duration.ofSeconds(95));

    assertThat(pays.arithmetic())
        .isEqualTo(
            "replacing pays: 12000 steps left × 180 ms lost per step = 2160 s > 340 steps since"
                + " the last checkpoint × 600 ms + 95 s relaunch = 299 s");
    assertThat(doesNot.arithmetic())
        .isEqualTo(
            "replacing does not pay: 100 steps left × 180 ms lost per step = 18 s ≤ 1 step since"
                + " the last checkpoint × 600 ms + 95 s relaunch = 95.6 s");
  }

  @Test
  void numbersAreKeptToATenthOfAMillisecondSoTheArithmeticChecksOut() {
    ReplaceDecision decision =
        ReplaceDecision.decide(12000, 180.44, 333, 600.06, Duration.ofMillis(95_250));

    assertThat(decision.lostMsPerStep()).isEqualTo(180.4);
    assertThat(decision.normalStepMs()).isEqualTo(600.1);
    assertThat(decision.arithmetic())
        .isEqualTo(
            "replacing pays: 12000 steps left × 180.4 ms lost per step = 2164.8 s > 333 steps"
                + " since the last checkpoint × 600.1 ms + 95.25 s relaunch = 295.0833 s");
  }

  static final Straggler RANK_3 = new Straggler(3, 1.52, 152.0, 100.0, 600.0, 181, 200);

  @Test
  void aStragglersNumbersFeedTheDecision() {
    ReplaceDecision decision =
        ReplaceDecision.decide(RANK_3, 200, 12_200L, 100L, Duration.ofSeconds(95)).orElseThrow();

    assertThat(decision.stepsLeft()).isEqualTo(12_000);
    assertThat(decision.lostMsPerStep()).isEqualTo(52.0);
    assertThat(decision.stepsSinceCheckpoint()).isEqualTo(100);
    assertThat(decision.normalStepMs()).isEqualTo(548.0);
    assertThat(decision.replace()).isTrue();
  }

  @Test
  void withoutACheckpointEveryStepIsRedone() {
    ReplaceDecision decision =
        ReplaceDecision.decide(RANK_3, 200, 400L, null, Duration.ofSeconds(10)).orElseThrow();

    assertThat(decision.stepsSinceCheckpoint()).isEqualTo(200);
    assertThat(decision.replace()).as("200 × 52 ms < 200 × 548 ms + 10 s").isFalse();
  }

  @Test
  void aJobPastItsTotalHasNoStepsLeft() {
    assertThat(
            ReplaceDecision.decide(RANK_3, 500, 400L, 500L, Duration.ZERO)
                .orElseThrow()
                .stepsLeft())
        .isZero();
  }

  @Test
  void withoutTotalStepsItCannotBeJudged() {
    assertThat(ReplaceDecision.decide(RANK_3, 200, null, 100L, Duration.ofSeconds(95))).isEmpty();
    assertThat(ReplaceDecision.UNKNOWN_TOTAL).contains("totalSteps");
  }

  @Test
  void theRestartReasonStartsWithStragglerAndCarriesTheArithmetic() {
    ReplaceDecision decision =
        ReplaceDecision.decide(RANK_3, 200, 12_200L, 100L, Duration.ofSeconds(95)).orElseThrow();

    assertThat(ReplaceDecision.restartReason(RANK_3, "ascend-910b-2", List.of(0, 1), decision))
        .isEqualTo(
            "STRAGGLER rank 3 on node ascend-910b-2 (chips [0, 1]) is 1.52× slower than the rest"
                + " of its gang (median computeMs 152 ms vs 100 ms, steps 181–200); replacing"
                + " pays: 12000 steps left × 52 ms lost per step = 624 s > 100 steps since the"
                + " last checkpoint × 548 ms + 95 s relaunch = 149.8 s");
  }
}
