package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import java.util.List;

/**
 * A subscription URL that webhooks may not call: plain HTTP where only HTTPS is allowed, or a host
 * that resolves to a loopback, private, link-local or otherwise non-public address: 422.
 */
class RefusedWebhookUrlException extends ProblemException {

  RefusedWebhookUrlException(String message) {
    super(
        422,
        "webhook-url-refused",
        "Webhook URL refused",
        "url: " + message,
        List.of(new FieldViolation("url", message)));
  }
}
