package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final RetryPolicy POLICY =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 12);

  @ParameterizedTest
  @CsvSource({"1, 1000", "2, 2000", "3, 4000", "5, 16000", "9, 256000", "10, 300000", "11, 300000"})
  void boundDoublesFromTheBaseUpToTheCap(int attempts, long millis) {
    assertThat(POLICY.bound(attempts)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void boundDoesNotOverflowForManyAttempts() {
    RetryPolicy forever = new RetryPolicy(Duration.ofSeconds(1), Duration.ofDays(1), 10_000);

    assertThat(forever.bound(9_999)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void fullJitterSpreadsTheDelayOverZeroToTheBound() {
    assertThat(POLICY.afterFailure(3, NOW, 0.0)).isEqualTo(new RetryPolicy.Retry(NOW));
    assertThat(POLICY.afterFailure(3, NOW, 0.5))
        .isEqualTo(new RetryPolicy.Retry(NOW.plusSeconds(2)));
    assertThat(POLICY.afterFailure(3, NOW, 0.999999))
        .isEqualTo(new RetryPolicy.Retry(NOW.plusMillis(3999)));
  }

  @Test
  void theCapBoundsLateRetries() {
    assertThat(POLICY.afterFailure(11, NOW, 0.999999))
        .isEqualTo(new RetryPolicy.Retry(NOW.plusMillis(299_999)));
  }

  @Test
  void givesUpAfterMaxAttempts() {
    assertThat(POLICY.afterFailure(11, NOW, 0.5)).isInstanceOf(RetryPolicy.Retry.class);
    assertThat(POLICY.afterFailure(12, NOW, 0.5)).isEqualTo(new RetryPolicy.GiveUp());
    assertThat(
            new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 1)
                .afterFailure(1, NOW, 0))
        .isEqualTo(new RetryPolicy.GiveUp());
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> POLICY.afterFailure(0, NOW, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> POLICY.afterFailure(1, NOW, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
