package io.baton.orchestrator.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Which way a promotion's metric is better: larger ({@code max}) or smaller ({@code min}). */
public enum MetricMode {
  MAX("max"),
  MIN("min");

  private final String value;

  MetricMode(String value) {
    this.value = value;
  }

  /** The JSON value, as the job spec schema spells it. */
  @JsonValue
  public String value() {
    return value;
  }

  @JsonCreator
  public static MetricMode of(String value) {
    return Arrays.stream(values())
        .filter(v -> v.value.equals(value))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown mode " + value));
  }
}
