package io.baton.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.jobs.Liveness.RankStep;
import io.baton.orchestrator.jobs.Liveness.Source;
import io.baton.orchestrator.jobs.Liveness.StepSample;
import io.baton.orchestrator.jobs.Liveness.Timeout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LivenessTest {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Duration FLOOR = Duration.ofMinutes(5);
  static final Duration STARTUP = Duration.ofMinutes(30);

  /** Steps 1..n, newest first, each {@code every} apart and reporting {@code stepMs}. */
  static List<StepSample> steps(int n, Duration every, Double stepMs) {
    List<StepSample> samples = new ArrayList<>();
    for (int step = n; step >= 1; step--) {
      samples.add(new StepSample(step, T0.plus(every.multipliedBy(step)), stepMs));
    }
    return samples;
  }

  static Timeout timeout(Duration spec, List<StepSample> recent) {
    return Liveness.timeout(spec, FLOOR, STARTUP, recent);
  }

  @Test
  void beforeTheFirstStepTheStartupTimeoutAppliesOrTheSpecsIfLonger() {
    assertThat(timeout(null, List.of())).isEqualTo(new Timeout(STARTUP, Source.STARTUP));
    assertThat(timeout(Duration.ofSeconds(30), List.of()))
        .isEqualTo(new Timeout(STARTUP, Source.STARTUP));
    assertThat(timeout(Duration.ofHours(2), List.of()))
        .isEqualTo(new Timeout(Duration.ofHours(2), Source.SPEC));
  }

  @Test
  void onceStepsComeTheSpecsTimeoutWins() {
    assertThat(timeout(Duration.ofSeconds(30), steps(100, Duration.ofMinutes(4), 240_000.0)))
        .isEqualTo(new Timeout(Duration.ofSeconds(30), Source.SPEC));
  }

  @Test
  void eightyMillisecondStepsAreNotLeftHangingForHalfAnHourNorBelowTheFloor() {
    assertThat(timeout(null, steps(200, Duration.ofMillis(80), 80.0)))
        .isEqualTo(new Timeout(FLOOR, Source.FLOOR));
  }

  @Test
  void fourMinuteStepsAreNotKilledForBeingSlow() {
    assertThat(timeout(null, steps(200, Duration.ofMinutes(4), 240_000.0)))
        .isEqualTo(new Timeout(Duration.ofMinutes(40), Source.DERIVED));
  }

  @Test
  void theDerivedTimeoutIsTenMediansOfTheNewestFiftyReportedStepTimes() {
    List<StepSample> recent = new ArrayList<>();
    for (int step = 120; step >= 1; step--) {
      // The newest 50 steps: 40 s, with two outliers (a checkpoint, an eval); older ones: 2 s.
      double ms = step > 70 ? (step == 100 || step == 90 ? 600_000 : 40_000) : 2_000;
      recent.add(new StepSample(step, T0.plusSeconds(step), ms));
    }

    assertThat(Liveness.typicalStep(recent)).contains(Duration.ofSeconds(40));
    assertThat(timeout(null, recent))
        .isEqualTo(new Timeout(Duration.ofSeconds(400), Source.DERIVED));
  }

  @Test
  void withoutStepMsTheStepTimeIsTheMeanOverTheWindowOfTimestampsReadInBatches() {
    // 4-second steps, but the agent reads lines every 10 s: most timestamps repeat.
    List<StepSample> recent = new ArrayList<>();
    for (int step = 300; step >= 1; step--) {
      long readAt = (step * 4 / 10 + 1) * 10;
      recent.add(new StepSample(step, T0.plusSeconds(readAt), null));
    }

    Duration typical = Liveness.typicalStep(recent).orElseThrow();

    assertThat(typical).isBetween(Duration.ofMillis(3_600), Duration.ofMillis(4_400));
    assertThat(timeout(null, recent).source()).isEqualTo(Source.FLOOR);
  }

  @Test
  void oneStepWithoutAStepTimeKeepsTheStartupTimeout() {
    List<StepSample> one = List.of(new StepSample(1, T0, null));

    assertThat(Liveness.typicalStep(one)).isEmpty();
    assertThat(timeout(null, one)).isEqualTo(new Timeout(STARTUP, Source.STARTUP));
  }

  @Test
  void theClockRunsFromTheNewestStepOfAnyRankOrFromTheAttemptsStart() {
    List<RankStep> ranks =
        List.of(new RankStep(1, 41, T0.plusSeconds(50)), new RankStep(0, 42, T0.plusSeconds(55)));

    Liveness stepping =
        Liveness.of(
            T0,
            Duration.ofSeconds(20),
            FLOOR,
            STARTUP,
            steps(42, Duration.ofSeconds(1), 1.0),
            ranks);
    Liveness starting = Liveness.of(T0, null, FLOOR, STARTUP, List.of(), List.of());

    assertThat(stepping.lastStepAt()).isEqualTo(T0.plusSeconds(55));
    assertThat(stepping.expiresAt()).isEqualTo(T0.plusSeconds(75));
    assertThat(stepping.ranks()).extracting(RankStep::rank).containsExactly(0, 1);
    assertThat(stepping.hungAt(T0.plusSeconds(74))).isFalse();
    assertThat(stepping.hungAt(T0.plusSeconds(75))).isTrue();
    assertThat(starting.lastStepAt()).isNull();
    assertThat(starting.expiresAt()).isEqualTo(T0.plus(STARTUP));
  }
}
