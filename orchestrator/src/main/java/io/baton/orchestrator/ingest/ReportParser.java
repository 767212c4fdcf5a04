package io.baton.orchestrator.ingest;

import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.schemas.BatonSchemas;
import java.util.ArrayList;
import java.util.Comparator;
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
    UUID bootId = null;
    try {
      bootId = UUID.fromString(body.get("bootId").asString());
    } catch (IllegalArgumentException e) {
      violations.add(new FieldViolation("bootId", "must be a UUID"));
    }
    List<JsonNode> chipNodes = new ArrayList<>();
    body.get("chips").forEach(chipNodes::add);
    Set<Integer> indexes = new HashSet<>();
    for (int i = 0; i < chipNodes.size(); i++) {
      int index = chipNodes.get(i).get("index").asInt();
      if (!indexes.add(index)) {
        violations.add(
            new FieldViolation("chips[" + i + "].index", "chip index " + index + " appears twice"));
      }
    }
    if (!violations.isEmpty()) {
      throw invalid(violations);
    }
    chipNodes.sort(Comparator.comparingInt(chip -> chip.get("index").asInt()));
    List<AgentReport.Chip> chips = new ArrayList<>(chipNodes.size());
    for (JsonNode chip : chipNodes) {
      ChipHealth health = ChipHealth.valueOf(chip.get("health").asString());
      chips.add(
          new AgentReport.Chip(
              chip.get("index").asInt(),
              health,
              chip.hasNonNull("rawHealth") ? chip.get("rawHealth").asString() : null,
              strings(chip.get("errorCodes")),
              strings(chip.get("reasons")),
              linksDown(chip.get("links"))));
    }
    return new AgentReport(
        body.get("node").asString(),
        bootId,
        body.get("seq").asLong(),
        body.get("vendor").asString(),
        chips,
        JobData.jsonb(chipNodes.toString()),
        list(body.get("progress")),
        list(body.get("checkpoints")),
        body.path("malformedLines").asLong(0));
  }

  private static List<String> strings(JsonNode array) {
    if (array == null || !array.isArray()) {
      return null;
    }
    List<String> values = new ArrayList<>(array.size());
    array.forEach(v -> values.add(v.asString()));
    return values;
  }

  private static List<String> linksDown(JsonNode links) {
    List<String> down = new ArrayList<>();
    if (links != null && links.isArray()) {
      links.forEach(
          link -> {
            if ("DOWN".equals(link.get("state").asString())) {
              down.add(link.get("name").asString());
            }
          });
    }
    return down;
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
