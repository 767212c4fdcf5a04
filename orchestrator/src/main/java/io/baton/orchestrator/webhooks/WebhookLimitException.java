package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.problems.ProblemException;
import java.util.HashMap;
import java.util.Map;

/** The owner already holds {@code baton.webhooks.max-per-team} subscriptions: 409. */
public class WebhookLimitException extends ProblemException {

  private final String team;
  private final int limit;

  WebhookLimitException(String team, int limit) {
    super(
        409,
        "webhook-limit-reached",
        "Too many webhook subscriptions",
        (team == null ? "Subscriptions without a team" : "Team " + team)
            + " already hold "
            + limit
            + " webhook subscriptions, the most allowed; delete one first.");
    this.team = team;
    this.limit = limit;
  }

  @Override
  public Map<String, Object> properties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("limit", limit);
    if (team != null) {
      properties.put("team", team);
    }
    return properties;
  }
}
