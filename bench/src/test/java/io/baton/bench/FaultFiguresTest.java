package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The faults bench's arithmetic, with the orchestrator jar's own decisions (built before the bench
 * in the reactor).
 */
class FaultFiguresTest {

  private static final Path JAR =
      Path.of("..", "orchestrator", "target", "baton-orchestrator.jar").toAbsolutePath();
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  static JarDecisions decisions;

  @BeforeAll
  static void load() throws Exception {
    assertThat(JAR).as("the orchestrator jar is built before the bench's tests").exists();
    decisions = JarDecisions.of(JAR);
  }

  @AfterAll
  static void close() throws Exception {
    decisions.close();
  }

  @Test
  void aHangIsMeasuredFromTheNewestLastStepItsCauseNamesPlusTheTimeout() {
    String cause =
        "HANG: no new step for PT3S (hang timeout from spec); last steps: rank 0 step 57 at"
            + " 2026-12-03T10:00:01.250Z, rank 1 step 58 at 2026-12-03T10:00:01.300Z";

    assertThat(
            FaultFigures.hangDetectMs(
                cause, Instant.parse("2026-12-03T10:00:04.800Z"), Duration.ofSeconds(3)))
        .isEqualTo(500);
  }

  @Test
  void aCauseThatIsNotAHangOrNamesNoStepIsRefused() {
    assertThatThrownBy(
            () -> FaultFigures.hangDetectMs("infrastructure failure", T0, Duration.ofSeconds(3)))
        .hasMessageContaining("not a hang");
    assertThatThrownBy(
            () ->
                FaultFigures.hangDetectMs(
                    "HANG: no step since the attempt started PT3S (hang timeout from spec); last"
                        + " steps: rank 0 none, rank 1 none",
                    T0,
                    Duration.ofSeconds(3)))
        .hasMessageContaining("no last step");
  }

  @Test
  void theJarsDetectorReplayedStepByStepFlagsASlowdownWhenSlowStepsAreTheMajority()
      throws Exception {
    List<FaultFigures.Sample> series = new ArrayList<>();
    for (int step = 1; step <= 60; step++) {
      double slow = step >= 31 ? 60 : 40;
      series.add(sample(0, step, 40, 1));
      series.add(sample(1, step, slow, 1));
    }
    long first =
        FaultFigures.firstStepAfter(series, 1, 1, T0.plusMillis(31 * 100 - 50)).orElseThrow();

    long flagged =
        FaultFigures.firstFlaggedStep(series, 1, first, 1.25, 20, decisions::detect).orElseThrow();

    assertThat(first).isEqualTo(31);
    assertThat(flagged).as("11 slow steps of a 20-step window").isEqualTo(41);
    assertThat(FaultFigures.stepsToDetect(first, flagged)).isEqualTo(11);
  }

  @Test
  void aGangWithoutASlowRankIsNeverFlagged() throws Exception {
    List<FaultFigures.Sample> series = new ArrayList<>();
    for (int step = 1; step <= 60; step++) {
      series.add(sample(0, step, 40, 1));
      series.add(sample(1, step, step % 7 == 0 ? 90 : 41, 1));
    }

    assertThat(FaultFigures.firstFlaggedStep(series, 1, 1, 1.25, 20, decisions::detect)).isEmpty();
  }

  @Test
  void theScriptedReplaceCasesGetTheAnswersWorkedOutByHand() throws Exception {
    List<FaultFigures.ReplaceCase> cases = FaultFigures.replaceCases();

    assertThat(cases)
        .extracting(FaultFigures.ReplaceCase::name)
        .anyMatch(n -> n.startsWith("early"))
        .anyMatch(n -> n.contains("near-finished"))
        .anyMatch(n -> n.startsWith("almost finished"));
    for (FaultFigures.ReplaceCase c : cases) {
      FaultFigures.Verdict verdict = decisions.decide(c);
      assertThat(FaultFigures.matches(c, verdict)).as(c.name() + ": " + verdict).isTrue();
    }
  }

  @Test
  void theLedgersErrorIsTheGapBetweenItsPartsAndTheChipsHeld() {
    assertThat(FaultFigures.goodputSumErrorPct(1000, 700, 100, 150, 50)).isZero();
    assertThat(FaultFigures.goodputSumErrorPct(1000, 700, 100, 150, 40))
        .isCloseTo(1.0, within(1e-9));
    assertThatThrownBy(() -> FaultFigures.goodputSumErrorPct(0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theChipsHeldPerTheEventsAreEachAttemptsChipsTimesItsAdmissionToItsEnd() {
    List<FaultFigures.Event> events =
        List.of(
            new FaultFigures.Event("job.state", "QUEUED", "submitted", T0),
            new FaultFigures.Event(
                "job.state",
                "ADMITTED",
                "placed on a-0 [0, 1, 2, 3], a-1 [4, 5]",
                T0.plusSeconds(1)),
            new FaultFigures.Event("job.state", "RUNNING", "all ranks started", T0.plusSeconds(2)),
            new FaultFigures.Event(
                "job.restart", null, "HANG: no new step for PT3S …", T0.plusSeconds(11)),
            new FaultFigures.Event(
                "job.state", "ADMITTED", "placed on a-2 [0, 1]", T0.plusSeconds(12)),
            new FaultFigures.Event(
                "job.state", "SUCCEEDED", "all ranks exited 0", T0.plusSeconds(17)));

    assertThat(FaultFigures.chipSecondsHeld(events)).isCloseTo(6 * 10 + 2 * 5, within(1e-9));
    assertThat(FaultFigures.errorPct(70.7, 70)).isCloseTo(1.0, within(1e-9));
  }

  private static FaultFigures.Sample sample(int rank, long step, double computeMs, int attempt) {
    return new FaultFigures.Sample(
        rank, step, computeMs + 5, computeMs, T0.plusMillis(step * 100), attempt);
  }
}
