package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.problems.ProblemException;

/** A rollback that cannot start now: a rollout is in flight, or there is nothing to go back to. */
class RolloutConflictException extends ProblemException {

  RolloutConflictException(String detail) {
    super(409, "rollout-conflict", "Rollout not possible", detail);
  }
}
