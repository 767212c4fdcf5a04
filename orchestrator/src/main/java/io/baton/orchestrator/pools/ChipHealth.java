package io.baton.orchestrator.pools;

import io.baton.orchestrator.Decision;

/**
 * Normalized health of one chip. Only OK and WARNING chips are schedulable; WARNING ones are used
 * last. Each has a one-letter code for the compact per-node summary stored with the node.
 */
@Decision
public enum ChipHealth {
  OK('O'),
  WARNING('W'),
  FAULT('F'),
  UNKNOWN('U');

  private final char code;

  ChipHealth(char code) {
    this.code = code;
  }

  public char code() {
    return code;
  }

  public boolean schedulable() {
    return this == OK || this == WARNING;
  }

  /** How bad: the node's health is its worst chip's. */
  int severity() {
    return switch (this) {
      case OK -> 0;
      case WARNING -> 1;
      case UNKNOWN -> 2;
      case FAULT -> 3;
    };
  }

  public static ChipHealth ofCode(char code) {
    for (ChipHealth health : values()) {
      if (health.code == code) {
        return health;
      }
    }
    throw new IllegalArgumentException("no chip health with code " + code);
  }
}
