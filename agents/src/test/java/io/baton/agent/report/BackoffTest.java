package io.baton.agent.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  @Test
  void theCeilingDoublesUpToTheCap() {
    assertThat(IntStream.rangeClosed(1, 9).mapToObj(backoff::ceiling).map(Duration::toMillis))
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
    assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fullJitterSpreadsDelaysOverTheWholeRange() {
    Random random = new Random(42);

    LongSummaryStatistics delays =
        IntStream.range(0, 2_000)
            .mapToLong(i -> backoff.delay(4, random).toMillis())
            .summaryStatistics();

    assertThat(delays.getMin()).isGreaterThanOrEqualTo(0).isLessThan(100);
    assertThat(delays.getMax()).isLessThanOrEqualTo(4000).isGreaterThan(3900);
    assertThat(delays.getAverage()).isBetween(1800.0, 2200.0);
  }

  @Test
  void baseMustBePositiveAndNotAboveTheCap() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
