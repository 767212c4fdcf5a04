package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import java.util.List;

/** A subscription request that breaks {@code schemas/webhook-subscription.schema.json}: 400. */
class InvalidWebhookException extends ProblemException {

  InvalidWebhookException(List<FieldViolation> errors) {
    super(400, "invalid-webhook", "Invalid webhook subscription", summary(errors), errors);
  }

  private static String summary(List<FieldViolation> errors) {
    return errors.stream()
        .map(e -> (e.field().isEmpty() ? "body" : e.field()) + ": " + e.message())
        .reduce((a, b) -> a + "; " + b)
        .orElse("The webhook subscription is invalid.");
  }
}
