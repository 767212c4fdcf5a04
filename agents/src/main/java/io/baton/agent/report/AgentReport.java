package io.baton.agent.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baton.agent.collect.Chip;
import io.baton.agent.collect.Vendor;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an agent sends to {@code POST /api/v1/agents/reports}; see {@code
 * schemas/agent-report.schema.json}.
 *
 * @param bootId fixed for the life of the agent process
 * @param seq grows by one per report within a boot; a retried report keeps its seq
 * @param sentAt when the report was built (its first attempt)
 * @param malformedLines progress lines skipped as malformed since the previous report, or null
 * @param droppedProgress progress samples dropped from a full buffer since the previous report, or
 *     null
 */
public record AgentReport(
    String node,
    UUID bootId,
    long seq,
    Instant sentAt,
    Vendor vendor,
    List<Chip> chips,
    List<ObjectNode> progress,
    List<ObjectNode> checkpoints,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long malformedLines,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long droppedProgress) {

  /** The schema's bound on progress samples per report. */
  public static final int MAX_PROGRESS = 10_000;

  /**
   * Serialized size a report stays under, below the orchestrator's 1 MB request limit; a report
   * that would be larger carries fewer entries and leaves the rest for the next one.
   */
  public static final int MAX_BYTES = 900_000;

  /** Checkpoints per report; more wait for the next report, none is dropped. */
  public static final int MAX_CHECKPOINTS = 1_000;

  public AgentReport {
    chips = List.copyOf(chips);
    progress = List.copyOf(progress);
    checkpoints = List.copyOf(checkpoints);
  }
}
