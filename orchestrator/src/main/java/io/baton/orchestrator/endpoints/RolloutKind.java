package io.baton.orchestrator.endpoints;

/**
 * What a rollout does: roll a promotion's revision out, or roll back to an earlier one. The
 * constant names are the JSON and stored values.
 */
public enum RolloutKind {
  PROMOTION,
  ROLLBACK
}
