package io.baton.orchestrator.pools;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A node as stored: its state, the normalized health of its chips, and the raw vendor fields of its
 * last report, links included.
 */
public record Node(
    String name,
    String pool,
    NodeState state,
    ChipHealth health,
    String vendor,
    UUID bootId,
    long lastSeq,
    Instant lastReportAt,
    ChipHealthSummary chipHealth,
    List<Integer> chipIndexes,
    JsonNode chips,
    long malformedLines) {

  /**
   * The indexes of the chips whose last report has a link DOWN ({@code "links": [{"name", "state":
   * "DOWN"}]}), in report order. A DOWN link leaves the chip's health as reported; what it means
   * for placement and recovery is for the fault policy to decide.
   */
  public List<Integer> chipsWithLinkDown() {
    List<Integer> down = new ArrayList<>();
    if (chips == null || !chips.isArray()) {
      return down;
    }
    for (JsonNode chip : chips) {
      for (JsonNode link : chip.path("links")) {
        if ("DOWN".equals(link.path("state").asString(null))) {
          down.add(chip.path("index").asInt());
          break;
        }
      }
    }
    return down;
  }
}
