package io.baton.orchestrator.ingest;

import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.schemas.BatonSchemas;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Validates a report against its schema and reads it into an {@link AgentReport}. */
final class ReportParser {

  private ReportParser() {}

  /**
   * @throws BadRequestException naming every offending field
   */
  static AgentReport parse(JsonNode body) {
    List<FieldViolation> violations = new ArrayList<>();
    BatonSchemas.validate("agent-report", body)
        .forEach(v -> violations.add(new FieldViolation(v.field(), v.message())));
    if (!violations.isEmpty()) {
      throw invalid(violations);
    }
    List<AgentReport.Chip> chips = new ArrayList<>();
    Set<Integer> indexes = new HashSet<>();
    JsonNode chipNodes = body.get("chips");
    for (int i = 0; i < chipNodes.size(); i++) {
      JsonNode chip = chipNodes.get(i);
      int index = chip.get("index").asInt();
      if (!indexes.add(index)) {
        violations.add(
            new FieldViolation("chips[" + i + "].index", "chip index " + index + " appears twice"));
      }
      chips.add(
          new AgentReport.Chip(index, ChipHealth.valueOf(chip.get("health").asString()), chip));
    }
    if (!violations.isEmpty()) {
      throw invalid(violations);
    }
    chips.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return new AgentReport(
        body.get("node").asString(),
        UUID.fromString(body.get("bootId").asString()),
        body.get("seq").asLong(),
        body.get("vendor").asString(),
        chips,
        list(body.get("progress")),
        list(body.get("checkpoints")),
        body.path("malformedLines").asLong(0));
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> items = new ArrayList<>(array.size());
    array.forEach(items::add);
    return items;
  }

  private static BadRequestException invalid(List<FieldViolation> violations) {
    String detail =
        violations.stream()
            .limit(10)
            .map(v -> (v.field().isEmpty() ? "report" : v.field()) + ": " + v.message())
            .reduce((a, b) -> a + "; " + b)
            .orElseThrow();
    return new BadRequestException("invalid-report", "Invalid agent report", detail, violations);
  }
}
