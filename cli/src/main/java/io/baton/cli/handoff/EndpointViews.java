package io.baton.cli.handoff;

import io.baton.cli.output.Column;
import io.baton.cli.output.Output;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** How an endpoint shows. */
final class EndpointViews {

  private EndpointViews() {}

  static final List<Column> COLUMNS =
      List.of(
          Column.of("NAME", "/name"),
          Column.of("POOL", "/pool"),
          Column.of("STATE", "/state"),
          Column.of("READY", EndpointViews::replicas),
          Column.of("REVISION", "/currentRevision/revision"),
          Column.of("ROLLOUT", "/rollout/state"),
          Column.of("URLS", e -> String.join(" ", strings(e.path("urls")))));

  static String replicas(JsonNode e) {
    return e.at("/replicas/ready").asString("0") + "/" + e.at("/replicas/desired").asString("0");
  }

  static Map<String, String> fields(JsonNode e) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("name", e.path("name").asString());
    f.put("pool", e.path("pool").asString(""));
    f.put("state", e.path("state").asString(""));
    f.put("replicas", replicas(e) + " ready");
    JsonNode current = e.path("currentRevision");
    f.put(
        "revision",
        current.isObject()
            ? current.path("revision").asString()
                + " (checkpoint "
                + current.path("checkpointId").asString("")
                + ", job "
                + current.path("jobId").asString("")
                + ")"
            : "");
    f.put("urls", String.join(" ", strings(e.path("urls"))));
    f.put(
        "rollout",
        e.path("rollout").isObject() ? Output.text(e.path("rollout").path("state")) : "");
    f.put("updated", e.path("updatedAt").asString(""));
    return f;
  }

  static List<String> strings(JsonNode array) {
    return array.valueStream().map(JsonNode::asString).toList();
  }
}
