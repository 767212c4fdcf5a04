package io.baton.orchestrator.promotion;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What started a promotion: its job succeeding, or a request to the API. */
enum Trigger {
  JOB("job"),
  API("api");

  private final String value;

  Trigger(String value) {
    this.value = value;
  }

  /** The JSON and stored value: {@code job} or {@code api}. */
  @JsonValue
  public String value() {
    return value;
  }

  @JsonCreator
  public static Trigger of(String value) {
    return Arrays.stream(values())
        .filter(t -> t.value.equals(value))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown trigger " + value));
  }
}
