package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * How suspect a chip is after it was found slow, fading with time: a chip slow yesterday is suspect
 * today, not next month.
 *
 * <p>The score is the chip's excess slowness, decayed: every straggler observation adds {@code
 * factor − 1} (0.5 for a chip 1.5 × slower than its gang) halved every {@code halfLife}. It reads
 * as "how much slower we should still expect this chip to be". The chip is <em>bad</em> while the
 * score is at least {@code threshold}. With the defaults (half-life 12 h, threshold 0.1) one
 * observation at 1.5 × keeps a chip bad for about 28 hours, one at 1.25 × for about 16 hours, and
 * two at 1.5 × for about 40; a month later nothing is left. Observations in the future (clock skew
 * between replicas) count as made now.
 *
 * @param halfLife how long until an observation weighs half as much
 * @param threshold the score from which a chip is bad
 */
@Decision
public record ChipReputation(Duration halfLife, double threshold) {

  public static final Duration DEFAULT_HALF_LIFE = Duration.ofHours(12);
  public static final double DEFAULT_THRESHOLD = 0.1;

  public ChipReputation {
    if (halfLife == null || halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException("half-life must be positive, was " + halfLife);
    }
    if (!(threshold > 0)) {
      throw new IllegalArgumentException("threshold must be positive, was " + threshold);
    }
  }

  public static ChipReputation defaults() {
    return new ChipReputation(DEFAULT_HALF_LIFE, DEFAULT_THRESHOLD);
  }

  /** A chip was found this much slower than its gang at this time. */
  public record Slowdown(Instant at, double factor) {}

  /** The decayed excess slowness of the chip at {@code now}; 0 for a chip never found slow. */
  public double score(Collection<Slowdown> observations, Instant now) {
    double halfLifeMs = halfLife.toMillis();
    double score = 0;
    for (Slowdown slowdown : observations) {
      double excess = slowdown.factor() - 1;
      if (!(excess > 0)) {
        continue;
      }
      long ageMs = Math.max(0, Duration.between(slowdown.at(), now).toMillis());
      score += excess * Math.pow(0.5, ageMs / halfLifeMs);
    }
    return score;
  }

  /** Whether the chip is still suspect at {@code now}. */
  public boolean bad(Collection<Slowdown> observations, Instant now) {
    return score(observations, now) >= threshold;
  }
}
