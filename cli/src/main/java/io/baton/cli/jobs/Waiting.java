package io.baton.cli.jobs;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/**
 * Durations as people type them: {@code 90s}, {@code 10m}, {@code 2h}, or ISO-8601 {@code PT10M}.
 */
public final class Waiting implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase();
    if (v.startsWith("pt") || v.startsWith("p")) {
      return Duration.parse(value.trim().toUpperCase());
    }
    long n = Long.parseLong(v.replaceAll("[a-z]+$", ""));
    if (v.endsWith("ms")) {
      return Duration.ofMillis(n);
    }
    if (v.endsWith("h")) {
      return Duration.ofHours(n);
    }
    if (v.endsWith("m")) {
      return Duration.ofMinutes(n);
    }
    return Duration.ofSeconds(n);
  }
}
