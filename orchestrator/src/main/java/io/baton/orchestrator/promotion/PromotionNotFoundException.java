package io.baton.orchestrator.promotion;

import io.baton.orchestrator.problems.NotFoundException;
import java.util.UUID;

/** No promotion has this id. */
class PromotionNotFoundException extends NotFoundException {

  PromotionNotFoundException(UUID id) {
    super("promotion", id.toString());
  }
}
