package io.baton.agent.collect;

import com.fasterxml.jackson.annotation.JsonValue;

/** Which tool a report's chips come from. */
public enum Vendor {
  ASCEND("ascend"),
  NVIDIA("nvidia"),
  SIM("sim");

  private final String wire;

  Vendor(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }
}
