package io.baton.cli.jobs;

import io.baton.cli.output.Column;
import io.baton.cli.output.Output;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** How a job shows in a table. */
final class JobViews {

  private JobViews() {}

  static final List<Column> COLUMNS =
      List.of(
          Column.of("ID", "/id"),
          Column.of("NAME", "/spec/name"),
          Column.of("TEAM", "/spec/team"),
          Column.of("POOL", "/spec/pool"),
          Column.of("STATE", "/state"),
          Column.of("STEP", JobViews::step),
          Column.of(
              "RESTARTS",
              j ->
                  String.valueOf(j.path("restarts").asLong(0) + j.path("infraRestarts").asLong(0))),
          Column.of("CREATED", "/createdAt"));

  static Map<String, String> fields(JsonNode job) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("id", job.path("id").asString());
    f.put("name", Output.text(job.at("/spec/name")));
    f.put("team", Output.text(job.at("/spec/team")));
    f.put("pool", Output.text(job.at("/spec/pool")));
    f.put(
        "gang",
        job.at("/spec/nodes").asInt(1)
            + " node(s) x "
            + job.at("/spec/chipsPerNode").asInt()
            + " chips");
    f.put(
        "state",
        job.path("state").asString()
            + (job.path("reason").asString("").isEmpty()
                ? ""
                : " (" + job.path("reason").asString() + ")"));
    f.put("waiting", Output.text(job.path("pendingReason")));
    StringBuilder placement = new StringBuilder();
    for (JsonNode p : job.path("placement")) {
      placement
          .append(placement.isEmpty() ? "" : ", ")
          .append(p.path("node").asString())
          .append(' ')
          .append(Output.text(p.path("chips")));
    }
    f.put("placement", placement.toString());
    f.put("attempt", job.path("attempt").asString(""));
    f.put("progress", progress(job));
    f.put(
        "restarts",
        job.path("restarts").asLong(0)
            + " application, "
            + job.path("infraRestarts").asLong(0)
            + " infrastructure, "
            + job.path("stepsLost").asLong(0)
            + " steps lost");
    JsonNode checkpoint = job.path("latestCheckpoint");
    f.put(
        "checkpoint",
        checkpoint.isObject()
            ? "step " + checkpoint.path("step").asLong() + " " + checkpoint.path("uri").asString("")
            : "");
    f.put("created", job.path("createdAt").asString(""));
    f.put("updated", job.path("updatedAt").asString(""));
    return f;
  }

  static String step(JsonNode job) {
    JsonNode p = job.path("progress");
    if (!p.isObject()) {
      return "";
    }
    long total = p.path("totalSteps").asLong(0);
    return p.path("step").asLong() + (total > 0 ? "/" + total : "");
  }

  static String progress(JsonNode job) {
    JsonNode p = job.path("progress");
    if (!p.isObject()) {
      return "";
    }
    return "step "
        + step(job)
        + (p.hasNonNull("loss") ? ", loss " + p.get("loss").asString() : "")
        + (p.hasNonNull("samplesPerSec")
            ? ", " + p.get("samplesPerSec").asString() + " samples/s"
            : "");
  }
}
