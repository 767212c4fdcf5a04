package io.baton.orchestrator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.baton.orchestrator.faults.ChipReputation.Slowdown;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChipReputationTest {

  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final ChipReputation REPUTATION = ChipReputation.defaults();

  static Slowdown slow(double factor, Duration ago) {
    return new Slowdown(NOW.minus(ago), factor);
  }

  @Test
  void aChipNeverFoundSlowHasNoScoreAndIsNotBad() {
    assertThat(REPUTATION.score(List.of(), NOW)).isZero();
    assertThat(REPUTATION.bad(List.of(), NOW)).isFalse();
  }

  @Test
  void aFreshObservationScoresItsExcessSlowness() {
    assertThat(REPUTATION.score(List.of(slow(1.5, Duration.ZERO)), NOW))
        .isCloseTo(0.5, within(1e-12));
  }

  @Test
  void theScoreHalvesEveryHalfLife() {
    List<Slowdown> once = List.of(slow(1.5, Duration.ZERO));

    assertThat(REPUTATION.score(once, NOW.plus(Duration.ofHours(12))))
        .isCloseTo(0.25, within(1e-12));
    assertThat(REPUTATION.score(once, NOW.plus(Duration.ofHours(24))))
        .isCloseTo(0.125, within(1e-12));
  }

  @Test
  void aChipSlowYesterdayIsSuspectTodayNotNextMonth() {
    List<Slowdown> yesterday = List.of(slow(1.5, Duration.ofHours(24)));
    List<Slowdown> lastMonth = List.of(slow(1.5, Duration.ofDays(30)));

    assertThat(REPUTATION.bad(yesterday, NOW)).isTrue();
    assertThat(REPUTATION.bad(lastMonth, NOW)).isFalse();
  }

  @Test
  void aBarelySlowChipIsForgivenSoonerThanAVerySlowOne() {
    Duration ago = Duration.ofHours(20);

    assertThat(REPUTATION.bad(List.of(slow(1.25, ago)), NOW)).isFalse();
    assertThat(REPUTATION.bad(List.of(slow(1.5, ago)), NOW)).isTrue();
  }

  @Test
  void repeatedObservationsAddUp() {
    Duration ago = Duration.ofHours(36);

    assertThat(REPUTATION.bad(List.of(slow(1.5, ago)), NOW)).isFalse();
    assertThat(REPUTATION.bad(List.of(slow(1.5, ago), slow(1.5, ago.minusHours(1))), NOW)).isTrue();
  }

  @Test
  void anObservationStampedInTheFutureCountsAsNow() {
    assertThat(REPUTATION.score(List.of(slow(1.5, Duration.ofMinutes(-5))), NOW))
        .isCloseTo(0.5, within(1e-12));
  }

  @Test
  void aFactorOfOneOrLessAddsNothing() {
    assertThat(REPUTATION.score(List.of(slow(1.0, Duration.ZERO), slow(0.8, Duration.ZERO)), NOW))
        .isZero();
  }

  @Test
  void theHalfLifeAndThresholdAreThePools() {
    ChipReputation quick = new ChipReputation(Duration.ofHours(1), 0.2);
    List<Slowdown> once = List.of(slow(1.5, Duration.ofHours(2)));

    assertThat(quick.score(once, NOW)).isCloseTo(0.125, within(1e-12));
    assertThat(quick.bad(once, NOW)).isFalse();
    assertThatThrownBy(() -> new ChipReputation(Duration.ZERO, 0.1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChipReputation(Duration.ofHours(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
