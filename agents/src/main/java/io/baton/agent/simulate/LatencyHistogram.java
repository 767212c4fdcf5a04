package io.baton.agent.simulate;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram in microseconds, with log-linear buckets (64 per power of two, so a
 * percentile is off by at most ~1.6%) and constant memory whatever the number of samples.
 */
public final class LatencyHistogram {

  private static final int LINEAR = 128;
  private static final int SUB = 64;
  private static final int MAX_EXPONENT = 40;

  private final AtomicLongArray counts = new AtomicLongArray(LINEAR + (MAX_EXPONENT - 6) * SUB);
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong max = new AtomicLong();

  public void record(long micros) {
    long value = Math.max(0, micros);
    counts.incrementAndGet(bucket(value));
    count.incrementAndGet();
    max.accumulateAndGet(value, Math::max);
  }

  public long count() {
    return count.get();
  }

  public long maxMicros() {
    return max.get();
  }

  /** The smallest recorded bound below which the given fraction (0..1] of samples lie. */
  public long percentileMicros(double fraction) {
    long total = count.get();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(fraction * total));
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return Math.min(upperBound(i), max.get());
      }
    }
    return max.get();
  }

  static int bucket(long value) {
    if (value < LINEAR) {
      return (int) value;
    }
    int exponent = Math.min(63 - Long.numberOfLeadingZeros(value), MAX_EXPONENT - 1);
    int shift = exponent - 6;
    long sub = Math.min(value >> shift, 2L * SUB - 1);
    return LINEAR + (exponent - 7) * SUB + (int) (sub - SUB);
  }

  static long upperBound(int bucket) {
    if (bucket < LINEAR) {
      return bucket;
    }
    int exponent = (bucket - LINEAR) / SUB + 7;
    long sub = (bucket - LINEAR) % SUB + SUB;
    int shift = exponent - 6;
    return ((sub + 1) << shift) - 1;
  }
}
