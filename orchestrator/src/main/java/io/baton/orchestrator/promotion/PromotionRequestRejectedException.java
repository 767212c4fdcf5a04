package io.baton.orchestrator.promotion;

import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import java.util.List;

/** A well-formed promotion request that cannot be carried out (unknown checkpoint, wrong pool). */
class PromotionRequestRejectedException extends ProblemException {

  PromotionRequestRejectedException(List<FieldViolation> violations) {
    super(
        422,
        "unprocessable-promotion",
        "Promotion cannot start",
        "The promotion request names something that cannot be promoted.",
        violations);
  }
}
