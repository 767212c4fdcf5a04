package io.baton.cli.handoff;

import io.baton.cli.output.Output;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** How a promotion shows: its fields, and its gates one line each. */
final class PromotionViews {

  private PromotionViews() {}

  static boolean ended(JsonNode promotion) {
    String state = promotion.path("state").asString("");
    return state.equals("ACTIVE") || state.equals("REJECTED") || state.equals("ROLLED_BACK");
  }

  /** The name of the gate whose verdict is FAILED, or null. */
  static String failedGate(JsonNode promotion) {
    for (JsonNode gate : promotion.path("gates")) {
      if ("FAILED".equals(gate.path("verdict").asString())) {
        return gate.path("name").asString();
      }
    }
    return null;
  }

  static String gate(JsonNode gate) {
    return "gate " + gate.path("name").asString() + " " + gate.path("verdict").asString();
  }

  static Map<String, String> fields(JsonNode p) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("id", p.path("id").asString());
    f.put("endpoint", p.path("endpoint").asString(""));
    f.put("state", p.path("state").asString(""));
    f.put("reason", Output.text(p.path("reason")));
    f.put("checkpoint", p.path("checkpointId").asString(""));
    f.put("job", p.path("jobId").asString(""));
    f.put("revision", Output.text(p.path("revision")));
    StringBuilder gates = new StringBuilder();
    for (JsonNode gate : p.path("gates")) {
      gates
          .append(gates.isEmpty() ? "" : ", ")
          .append(gate.path("name").asString())
          .append('=')
          .append(gate.path("verdict").asString());
    }
    f.put("gates", gates.toString());
    f.put("created", p.path("createdAt").asString(""));
    f.put("ended", Output.text(p.path("endedAt")));
    return f;
  }
}
