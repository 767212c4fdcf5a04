package io.baton.cli.fleet;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton why ID}: why a job waits, in the scheduler's words; or what it is doing instead. */
@Command(name = "why", description = "Says why a job waits (the scheduler's pending reason).")
public final class WhyCommand extends Base {

  @Parameters(paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    JsonNode job = api().get("/api/v1/jobs/" + ApiClient.segment(id));
    String state = job.path("state").asString();
    String pending = job.path("pendingReason").asString("");
    String words;
    if (!pending.isBlank()) {
      words = "job " + id + " is " + state + ": " + pending;
    } else if (state.equals("QUEUED")) {
      words = "job " + id + " is QUEUED; the scheduler has not looked at it yet";
    } else {
      String reason = job.path("reason").asString("");
      words =
          "job "
              + id
              + " is not waiting: it is "
              + state
              + (reason.isBlank() ? "" : " (" + reason + ")");
    }
    ObjectNode document = ApiClient.JSON.createObjectNode();
    document.put("id", job.path("id").asString());
    document.put("state", state);
    document.put("pendingReason", pending.isBlank() ? null : pending);
    document.put("reason", job.path("reason").asString(null));
    document.put("why", words);
    out().print(document, () -> io().out().println(words));
    return ExitCodes.OK;
  }
}
