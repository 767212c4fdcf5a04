package io.baton.orchestrator.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Which checkpoint a promotion takes: the newest, or the best by its metric. */
public enum CheckpointSelection {
  NEWEST("newest"),
  BEST("best");

  private final String value;

  CheckpointSelection(String value) {
    this.value = value;
  }

  /** The JSON value, as the job spec schema spells it. */
  @JsonValue
  public String value() {
    return value;
  }

  @JsonCreator
  public static CheckpointSelection of(String value) {
    return Arrays.stream(values())
        .filter(v -> v.value.equals(value))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown selection " + value));
  }
}
