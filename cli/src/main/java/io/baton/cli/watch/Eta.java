package io.baton.cli.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The time a job still needs, from the pace of its recent steps: the steps made over the time they
 * took, across the last {@value #WINDOW} distinct reports. A step lower than the last (the job
 * resumed from a checkpoint) starts the window again. Pure: no I/O, no clock of its own.
 */
public final class Eta {

  static final int WINDOW = 20;
  private final Deque<Sample> samples = new ArrayDeque<>();

  private record Sample(long step, Instant time) {}

  /** Records a report: the job was at {@code step} at {@code time}. */
  public void observe(long step, Instant time) {
    Sample last = samples.peekLast();
    if (last != null && step < last.step()) {
      samples.clear();
    }
    if (last != null && step == last.step()) {
      return;
    }
    samples.addLast(new Sample(step, time));
    while (samples.size() > WINDOW) {
      samples.removeFirst();
    }
  }

  /** Steps per second over the window; 0 when there are fewer than two reports. */
  public double stepsPerSecond() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    double seconds = Duration.between(first.time(), last.time()).toNanos() / 1e9;
    return seconds <= 0 ? 0 : (last.step() - first.step()) / seconds;
  }

  /** The time to reach {@code totalSteps} from {@code step}; null when the pace is unknown. */
  public Duration remaining(long step, long totalSteps) {
    double rate = stepsPerSecond();
    if (rate <= 0 || totalSteps <= 0) {
      return null;
    }
    return Duration.ofMillis((long) (Math.max(0, totalSteps - step) / rate * 1000));
  }

  /** {@code 1:05:09}, {@code 4:07}, {@code 0:09}; {@code ?} when unknown. */
  public static String format(Duration d) {
    if (d == null) {
      return "?";
    }
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }
}
