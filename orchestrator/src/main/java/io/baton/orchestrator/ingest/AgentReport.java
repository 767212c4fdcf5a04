package io.baton.orchestrator.ingest;

import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.pools.ChipHealthSummary;
import io.baton.orchestrator.pools.ReportedNodes;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A validated agent report ({@code schemas/agent-report.schema.json}).
 *
 * @param chips sorted by index
 * @param chipsJson the chips as a JSON array in index order, every field as the agent sent it: what
 *     the node row keeps (ready for jsonb)
 * @param progress progress lines as the rank wrote them, plus jobId, rank and time
 * @param checkpoints checkpoint lines, likewise
 */
record AgentReport(
    String node,
    UUID bootId,
    long seq,
    String vendor,
    List<Chip> chips,
    String chipsJson,
    List<JsonNode> progress,
    List<JsonNode> checkpoints,
    long malformedLines)
    implements ReportedNodes.Report {

  /**
   * One chip: its vendor index, normalized health, the vendor's own words for that health, and
   * which of its links the agent saw DOWN.
   *
   * @param rawHealth the health word the tool printed, or null
   * @param errorCodes the error codes, or null
   * @param reasons why the health is not OK, in words, or null
   * @param linksDown the names of the chip's links reported DOWN, in report order; empty when none
   *     (or when the agent reads no links). A DOWN link does not change the chip's health here:
   *     what it means for scheduling and recovery is the fault policy's call
   */
  record Chip(
      int index,
      ChipHealth health,
      String rawHealth,
      List<String> errorCodes,
      List<String> reasons,
      List<String> linksDown) {

    Chip {
      linksDown = linksDown == null ? List.of() : List.copyOf(linksDown);
    }

    /** Whether any link of the chip was reported DOWN. */
    boolean hasLinkDown() {
      return !linksDown.isEmpty();
    }

    /**
     * The text of a chip health event: "Warning; errorCodes [0x80E01801]", or "reported OK". Only a
     * chip whose health changed needs it, so it is not made before.
     */
    String reason() {
      StringBuilder reason = new StringBuilder();
      if (rawHealth != null) {
        reason.append(rawHealth);
      }
      if (errorCodes != null && !errorCodes.isEmpty()) {
        reason.append(reason.isEmpty() ? "" : "; ").append("errorCodes ").append(errorCodes);
      }
      if (reasons != null && !reasons.isEmpty()) {
        reason.append(reason.isEmpty() ? "" : "; ").append("reasons ").append(reasons);
      }
      return reason.isEmpty() ? "reported " + health : JobData.storable(reason.toString());
    }
  }

  @Override
  public ChipHealthSummary chipHealth() {
    char[] codes = new char[chips.size()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = chips.get(i).health().code();
    }
    return new ChipHealthSummary(new String(codes));
  }

  @Override
  public String chipIndexes() {
    StringBuilder array = new StringBuilder("{");
    for (int i = 0; i < chips.size(); i++) {
      array.append(i == 0 ? "" : ",").append(chips.get(i).index());
    }
    return array.append('}').toString();
  }

  boolean carriesJobData() {
    return !progress.isEmpty() || !checkpoints.isEmpty();
  }
}
