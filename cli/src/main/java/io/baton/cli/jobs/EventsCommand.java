package io.baton.cli.jobs;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton events ID}: every event of the job, oldest first (all pages). */
@Command(name = "events", description = "Lists a job's events, oldest first: its story.")
public final class EventsCommand extends Base {

  @Parameters(paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    ObjectNode all = ApiClient.JSON.createObjectNode();
    ArrayNode items = all.putArray("items");
    String cursor = null;
    do {
      JsonNode page =
          api()
              .get(
                  "/api/v1/jobs/" + ApiClient.segment(id) + "/events",
                  ApiClient.params("limit", 500, "cursor", cursor));
      page.path("items").forEach(items::add);
      cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
    } while (cursor != null);
    all.putNull("nextCursor");
    out()
        .list(
            all,
            items,
            List.of(
                Column.of("TIME", "/time"),
                Column.of("TYPE", "/type"),
                Column.of(
                    "CHANGE",
                    e ->
                        e.hasNonNull("to")
                            ? e.path("from").asString("-") + " -> " + e.path("to").asString()
                            : ""),
                Column.of("ACTOR", "/actor"),
                Column.of("REASON", "/reason")));
    return ExitCodes.OK;
  }
}
