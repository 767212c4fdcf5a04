package io.baton.cli.fleet;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton nodes [--pool] [--unhealthy]}: every node with its chips counted by health. */
@Command(
    name = "nodes",
    description = {
      "Lists nodes with their chips by health (OK, WARNING, FAULT, UNKNOWN).",
      "--unhealthy: only nodes that are not READY or have a chip that is not OK."
    })
public final class NodesCommand extends Base {

  @Option(names = "--pool", paramLabel = "POOL")
  String pool;

  @Option(names = "--unhealthy", description = "only nodes with a chip not OK, or not READY")
  boolean unhealthy;

  @Override
  public Integer call() {
    ObjectNode all = ApiClient.JSON.createObjectNode();
    ArrayNode items = all.putArray("items");
    String cursor = null;
    do {
      JsonNode page =
          api()
              .get("/api/v1/nodes", ApiClient.params("pool", pool, "limit", 500, "cursor", cursor));
      for (JsonNode node : page.path("items")) {
        if (!unhealthy || unhealthy(node)) {
          items.add(node);
        }
      }
      cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
    } while (cursor != null);
    all.putNull("nextCursor");
    out()
        .list(
            all,
            items,
            List.of(
                Column.of("NAME", "/name"),
                Column.of("POOL", "/pool"),
                Column.of("STATE", "/state"),
                Column.of("HEALTH", "/health"),
                Column.of("CHIPS", "/chipCounts/total"),
                Column.of("OK", "/chipCounts/ok"),
                Column.of("WARNING", "/chipCounts/warning"),
                Column.of("FAULT", "/chipCounts/fault"),
                Column.of("UNKNOWN", "/chipCounts/unknown"),
                Column.of("LAST REPORT", "/lastReportAt")));
    return ExitCodes.OK;
  }

  static boolean unhealthy(JsonNode node) {
    return !"READY".equals(node.path("state").asString())
        || !"OK".equals(node.path("health").asString("OK"));
  }
}
