package io.baton.orchestrator.promotion;

/**
 * A gate's verdict: {@code RUNNING} (or {@code WAITING} for approval) until it ends, then {@code
 * PASSED}, {@code FAILED} or {@code SKIPPED}. The constant names are the JSON and stored values.
 */
enum GateVerdict {
  RUNNING,
  WAITING,
  PASSED,
  FAILED,
  SKIPPED
}
