package io.baton.agent.progress;

import io.baton.agent.progress.ProgressLine.Checkpoint;
import io.baton.agent.progress.ProgressLine.Malformed;
import io.baton.agent.progress.ProgressLine.Progress;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads lines of the progress protocol. Lines are checked against the shape the report schema gives
 * them, so one bad line can never make the orchestrator reject a whole report; unknown fields are
 * kept; {@code jobId}, {@code rank}, {@code attempt} and {@code time} are the agent's to set. A
 * progress line may carry the step's wall time {@code stepMs} and {@code computeMs}, the part of it
 * before the step's collective (optional, so older lines stay valid).
 */
public final class ProgressLines {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ProgressLines() {}

  public static ProgressLine parse(String line, ProgressSource source, Instant readAt) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JacksonException e) {
      return new Malformed("not JSON");
    }
    if (!(node instanceof ObjectNode entry)) {
      return new Malformed("not a JSON object");
    }
    String type = entry.path("type").asString("");
    String problem =
        switch (type) {
          case "progress" -> progressProblem(entry);
          case "checkpoint" -> checkpointProblem(entry);
          default -> "type must be \"progress\" or \"checkpoint\"";
        };
    if (problem != null) {
      return new Malformed(problem);
    }
    entry.put("jobId", source.jobId());
    entry.put("rank", source.rank());
    if (source.attempt() != null) {
      entry.put("attempt", source.attempt());
    }
    entry.put("time", readAt.toString());
    return type.equals("progress") ? new Progress(entry) : new Checkpoint(entry);
  }

  private static String progressProblem(ObjectNode entry) {
    String problem = stepProblem(entry);
    if (problem == null && !optionalCount(entry, "totalSteps")) {
      problem = "totalSteps must be a whole number >= 0";
    }
    if (problem == null && !optionalNumber(entry, "loss")) {
      problem = "loss must be a number";
    }
    if (problem == null && !optionalNumber(entry, "samplesPerSec")) {
      problem = "samplesPerSec must be a number";
    }
    if (problem == null && !optionalDuration(entry, "stepMs")) {
      problem = "stepMs must be a number >= 0";
    }
    if (problem == null && !optionalDuration(entry, "computeMs")) {
      problem = "computeMs must be a number >= 0";
    }
    if (problem == null && !optionalObject(entry, "metrics")) {
      problem = "metrics must be an object";
    }
    return problem;
  }

  private static String checkpointProblem(ObjectNode entry) {
    String problem = stepProblem(entry);
    JsonNode path = entry.get("path");
    if (problem == null && (path == null || !path.isString() || path.asString().isEmpty())) {
      problem = "checkpoint needs a path";
    }
    for (String field : new String[] {"format", "sha256", "golden"}) {
      if (problem == null && !optionalString(entry, field)) {
        problem = field + " must be a string";
      }
    }
    if (problem == null && !optionalCount(entry, "sizeBytes")) {
      problem = "sizeBytes must be a whole number >= 0";
    }
    if (problem == null && !optionalObject(entry, "metrics")) {
      problem = "metrics must be an object";
    }
    return problem;
  }

  private static String stepProblem(ObjectNode entry) {
    JsonNode step = entry.get("step");
    return step != null && step.isIntegralNumber() && step.canConvertToLong() && step.asLong() >= 0
        ? null
        : "step must be a whole number >= 0";
  }

  private static boolean optionalCount(ObjectNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null
        || value.isNull()
        || (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0);
  }

  private static boolean optionalNumber(ObjectNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() || value.isNumber();
  }

  /** Milliseconds: a number from 0 to what the report schema bounds numbers by. */
  private static boolean optionalDuration(ObjectNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null
        || value.isNull()
        || (value.isNumber() && value.asDouble() >= 0 && value.asDouble() <= 1e300);
  }

  private static boolean optionalString(ObjectNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() || value.isString();
  }

  private static boolean optionalObject(ObjectNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() || value.isObject();
  }
}
