package io.baton.orchestrator.endpoints;

import tools.jackson.databind.JsonNode;

/** Told, inside the transaction that ends it, how a rollout ended (promotions listen). */
public interface RolloutListener {

  /**
   * @param succeeded whether the rollout's revision serves now
   * @param reason why it ended so
   * @param evidence the rollout's numbers
   */
  void ended(Rollout rollout, boolean succeeded, String reason, JsonNode evidence);
}
