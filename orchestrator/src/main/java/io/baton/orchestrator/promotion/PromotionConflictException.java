package io.baton.orchestrator.promotion;

import io.baton.orchestrator.problems.ProblemException;
import java.util.Map;

/** An approval or rejection of a promotion that is not awaiting one. */
class PromotionConflictException extends ProblemException {

  private final PromotionState state;

  PromotionConflictException(PromotionState state, String detail) {
    super(409, "promotion-not-awaiting-approval", "Promotion not awaiting approval", detail);
    this.state = state;
  }

  @Override
  public Map<String, Object> properties() {
    return Map.of("state", state);
  }
}
