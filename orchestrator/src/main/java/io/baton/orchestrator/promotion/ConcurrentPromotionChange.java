package io.baton.orchestrator.promotion;

import io.baton.orchestrator.problems.ProblemException;
import java.util.UUID;

/** Someone else changed the promotion first; read it again and retry. */
class ConcurrentPromotionChange extends ProblemException {

  ConcurrentPromotionChange(UUID id) {
    super(
        409,
        "concurrent-change",
        "Concurrent change",
        "Promotion " + id + " changed while this request was handled; read it again and retry.");
  }
}
