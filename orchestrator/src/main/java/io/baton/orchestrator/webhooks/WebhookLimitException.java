package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.problems.ProblemException;
import java.util.Map;

/** The owning team already holds {@code baton.webhooks.max-per-team} subscriptions: 409. */
class WebhookLimitException extends ProblemException {

  private final String team;
  private final int limit;

  WebhookLimitException(String team, int limit) {
    super(
        409,
        "webhook-limit-reached",
        "Too many webhook subscriptions",
        "Team "
            + team
            + " already holds "
            + limit
            + " webhook subscriptions, the most allowed; delete one first.");
    this.team = team;
    this.limit = limit;
  }

  @Override
  public Map<String, Object> properties() {
    return Map.of("team", team, "limit", limit);
  }
}
