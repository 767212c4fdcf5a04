package io.baton.orchestrator.promotion;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One gate of a promotion as it ran.
 *
 * @param name the gate: {@code VERIFYING}, {@code CONVERTING}, {@code EVALUATING}, {@code PARITY},
 *     {@code AWAITING_APPROVAL}, {@code ROLLING_OUT}
 * @param verdict {@code RUNNING} (or {@code WAITING} for approval) until it ends, then {@code
 *     PASSED}, {@code FAILED} or {@code SKIPPED}
 * @param evidence the numbers behind the verdict: hashes, metric values, max error, readiness time
 */
record Gate(
    PromotionState name,
    GateVerdict verdict,
    JsonNode evidence,
    Instant startedAt,
    Instant endedAt) {

  public boolean ended() {
    return endedAt != null;
  }
}
