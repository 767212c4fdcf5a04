package io.baton.orchestrator.ingest;

import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.pools.ChipHealthSummary;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A validated agent report ({@code schemas/agent-report.schema.json}).
 *
 * @param chips sorted by index
 * @param progress progress lines as the rank wrote them, plus jobId, rank and time
 * @param checkpoints checkpoint lines, likewise
 */
record AgentReport(
    String node,
    UUID bootId,
    long seq,
    String vendor,
    List<Chip> chips,
    List<JsonNode> progress,
    List<JsonNode> checkpoints,
    long malformedLines) {

  /** One chip: its vendor index, normalized health, and every field the agent sent. */
  record Chip(int index, ChipHealth health, JsonNode raw) {}

  ChipHealthSummary chipHealth() {
    return ChipHealthSummary.of(chips.stream().map(Chip::health).toList());
  }

  boolean carriesJobData() {
    return !progress.isEmpty() || !checkpoints.isEmpty();
  }
}
