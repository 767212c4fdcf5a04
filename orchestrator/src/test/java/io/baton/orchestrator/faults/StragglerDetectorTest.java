package io.baton.orchestrator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StragglerDetectorTest {

  static final double FACTOR = 1.25;
  static final int WINDOW = 20;

  /** Compute time of a rank at a step. */
  interface Pace {
    double computeMs(int rank, long step);
  }

  /** A gang's reported steps; every step's wall time is its compute time + 20 ms. */
  static final class Gang {
    final List<StepSample> samples = new ArrayList<>();
    final int ranks;

    Gang(int ranks) {
      this.ranks = ranks;
    }

    Gang steps(long from, long to, Pace pace) {
      for (long step = from; step <= to; step++) {
        for (int rank = 0; rank < ranks; rank++) {
          double compute = pace.computeMs(rank, step);
          samples.add(new StepSample(rank, step, compute + 20, compute));
        }
      }
      return this;
    }

    /** Every rank at 100 ms, except {@code slow} at {@code slowMs}. */
    Gang steps(long from, long to, int slow, double slowMs) {
      return steps(from, to, (rank, step) -> rank == slow ? slowMs : 100.0);
    }

    Gang uniform(long from, long to) {
      return steps(from, to, (rank, step) -> 100.0);
    }

    List<Straggler> detect() {
      return StragglerDetector.detect(samples, FACTOR, WINDOW);
    }
  }

  static Gang aGangOf(int ranks) {
    return new Gang(ranks);
  }

  @Test
  void aUniformGangHasNoStraggler() {
    assertThat(aGangOf(8).uniform(1, 200).detect()).isEmpty();
  }

  @Test
  void oneSlowRankIsFlaggedAfterExactlyTheWindow() {
    Gang gang = aGangOf(4).steps(1, WINDOW - 1, 2, 150.0);

    assertThat(gang.detect()).as("after %d steps", WINDOW - 1).isEmpty();
    assertThat(gang.steps(WINDOW, WINDOW, 2, 150.0).detect())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.rank()).isEqualTo(2);
              assertThat(s.factor()).isCloseTo(1.5, within(1e-9));
              assertThat(s.computeMs()).isEqualTo(150.0);
              assertThat(s.gangComputeMs()).isEqualTo(100.0);
              assertThat(s.fromStep()).isEqualTo(1);
              assertThat(s.toStep()).isEqualTo(WINDOW);
            });
  }

  @Test
  void aRankThatTurnsSlowIsFlaggedOnceSlowStepsAreMostOfItsWindow() {
    Gang gang = aGangOf(4).uniform(1, 100);
    long slowFrom = 101;

    gang.steps(slowFrom, slowFrom + WINDOW / 2 - 1, 1, 150.0);
    assertThat(gang.detect()).as("half of the window slow").isEmpty();
    gang.steps(slowFrom + WINDOW / 2, slowFrom + WINDOW / 2, 1, 150.0);
    assertThat(gang.detect()).extracting(Straggler::rank).containsExactly(1);
  }

  @Test
  void noiseBelowTheFactorIsNotFlagged() {
    Gang gang =
        aGangOf(8)
            .steps(
                1,
                200,
                (rank, step) ->
                    switch (rank) {
                      case 3 -> step % 2 == 0 ? 124.0 : 118.0;
                      case 5 -> step % 7 == 0 ? 400.0 : 100.0;
                      default -> 95.0 + rank;
                    });

    assertThat(gang.detect()).isEmpty();
  }

  @Test
  void exactlyTheFactorIsNotAStraggler() {
    assertThat(aGangOf(3).steps(1, WINDOW, 0, 125.0).detect()).isEmpty();
  }

  @Test
  void aGangOfOneHasNoStraggler() {
    assertThat(aGangOf(1).steps(1, 200, 0, 500.0).detect()).isEmpty();
  }

  @Test
  void aGangOfTwoFindsItsSlowRankByTheOtherOne() {
    assertThat(aGangOf(2).steps(1, WINDOW, 1, 150.0).detect())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.rank()).isEqualTo(1);
              assertThat(s.factor()).isCloseTo(1.5, within(1e-9));
            });
  }

  @Test
  void aRankWithMissingSamplesIsNeitherJudgedNorAReferenceUntilItHasItsWindow() {
    Gang gang = aGangOf(3).steps(1, WINDOW, 1, 300.0);
    gang.samples.removeIf(s -> s.rank() == 1 && s.step() <= 5);
    gang.samples.removeIf(s -> s.rank() == 0 && s.step() % 2 == 0);

    assertThat(gang.detect()).as("rank 2 alone has a full window").isEmpty();

    gang.steps(WINDOW + 1, WINDOW + 5, 1, 300.0);
    assertThat(gang.detect())
        .as("rank 1 now has its window; rank 0, still short, is no reference")
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.rank()).isEqualTo(1);
              assertThat(s.fromStep()).isEqualTo(6);
              assertThat(s.toStep()).isEqualTo(WINDOW + 5);
            });
  }

  @Test
  void stepsWithoutComputeMsAreLeftOut() {
    Gang gang = aGangOf(3).steps(1, WINDOW, 2, 200.0);
    for (long step = WINDOW + 1; step <= WINDOW + 30; step++) {
      gang.samples.add(new StepSample(0, step, 120.0, null));
      gang.samples.add(new StepSample(1, step, 120.0, Double.NaN));
      gang.samples.add(new StepSample(2, step, 120.0, -1.0));
    }

    assertThat(gang.detect()).extracting(Straggler::rank).containsExactly(2);
  }

  @Test
  void aStepReportedTwiceCountsOnce() {
    Gang gang = aGangOf(3).steps(1, WINDOW - 1, 0, 150.0);
    gang.steps(WINDOW - 1, WINDOW - 1, 0, 150.0);

    assertThat(gang.detect()).isEmpty();
  }

  @Test
  void slowestFirstWithTheGangsStepTime() {
    Gang gang =
        aGangOf(6)
            .steps(
                1,
                WINDOW,
                (rank, step) ->
                    switch (rank) {
                      case 1 -> 140.0;
                      case 4 -> 180.0;
                      default -> 100.0;
                    });

    List<Straggler> stragglers = gang.detect();

    assertThat(stragglers).extracting(Straggler::rank).containsExactly(4, 1);
    assertThat(stragglers.get(0).factor()).isCloseTo(1.8, within(1e-9));
    assertThat(stragglers.get(0).stepMs()).isEqualTo(120.0);
    assertThat(stragglers.get(0).lostMsPerStep()).isEqualTo(80.0);
    assertThat(stragglers.get(0).normalStepMs()).isEqualTo(100.0);
  }

  @Test
  void withoutStepTimesANormalStepIsTheGangsComputeTime() {
    List<StepSample> samples = new ArrayList<>();
    for (long step = 1; step <= WINDOW; step++) {
      samples.add(new StepSample(0, step, null, 100.0));
      samples.add(new StepSample(1, step, null, 100.0));
      samples.add(new StepSample(2, step, null, 160.0));
    }

    assertThat(StragglerDetector.detect(samples, FACTOR, WINDOW))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.stepMs()).isNull();
              assertThat(s.normalStepMs()).isEqualTo(100.0);
            });
  }

  @Test
  void aWindowOfNothingOrAFactorBelowOneIsRefused() {
    assertThatThrownBy(() -> StragglerDetector.detect(List.of(), 1.25, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StragglerDetector.detect(List.of(), 0.9, 20))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
