package io.baton.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void percentilesWithinTheBucketPrecision() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long micros = 1; micros <= 100_000; micros++) {
      histogram.record(micros);
    }

    assertThat(histogram.count()).isEqualTo(100_000);
    assertThat((double) histogram.percentileMicros(0.50)).isCloseTo(50_000, within(50_000 * 0.02));
    assertThat((double) histogram.percentileMicros(0.90)).isCloseTo(90_000, within(90_000 * 0.02));
    assertThat((double) histogram.percentileMicros(0.99)).isCloseTo(99_000, within(99_000 * 0.02));
    assertThat(histogram.percentileMicros(1.0)).isEqualTo(100_000);
    assertThat(histogram.maxMicros()).isEqualTo(100_000);
  }

  @Test
  void smallValuesAreExact() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(3);
    histogram.record(7);
    histogram.record(120);

    assertThat(histogram.percentileMicros(0.34)).isEqualTo(7);
    assertThat(histogram.percentileMicros(0.99)).isEqualTo(120);
  }

  @Test
  void bucketsAreOrderedAndCoverTheirValues() {
    long previous = -1;
    for (long value :
        new long[] {0, 1, 127, 128, 129, 255, 256, 1_000, 65_535, 1L << 30, 1L << 38}) {
      int bucket = LatencyHistogram.bucket(value);
      assertThat(LatencyHistogram.upperBound(bucket)).isGreaterThanOrEqualTo(value);
      assertThat(LatencyHistogram.upperBound(bucket)).isGreaterThan(previous);
      previous = value;
    }
  }

  @Test
  void emptyIsZero() {
    assertThat(new LatencyHistogram().percentileMicros(0.5)).isZero();
  }
}
