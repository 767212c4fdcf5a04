package io.baton.orchestrator.faults;

import java.time.Instant;

/**
 * One occurrence of a signal on a chip or a node: a code newly reported, a link going DOWN, a hang
 * or a straggler found. A signal that stays in every report is one occurrence, not one per report.
 *
 * @param chip the chip's index on the node; null for what concerns the node (or a job) as a whole
 */
public record Observation(Instant at, String node, Integer chip, Signal signal) {

  /** A node-wide signal ({@code node:LOST}, {@code hang}) is observed on the node, never a chip. */
  public Observation {
    if (signal.kind().nodeWide()) {
      chip = null;
    }
  }

  /** Where it happened, in words: {@code a-1 chip 3}, or the node alone. */
  public String where() {
    return chip == null ? node : node + " chip " + chip;
  }
}
