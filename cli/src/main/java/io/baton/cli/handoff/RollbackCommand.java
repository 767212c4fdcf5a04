package io.baton.cli.handoff;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Output;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton rollback NAME [--revision N]}: an audited rollout back to an earlier revision. */
@Command(
    name = "rollback",
    description = {
      "Rolls an endpoint back to --revision N (default: the revision that served before the"
          + " current one): canary, golden check, the rest, switch.",
      "A rollout in flight, nothing to go back to, or the revision it serves: exit 3."
    })
public final class RollbackCommand extends Base {

  @Parameters(paramLabel = "NAME")
  String name;

  @Option(names = "--revision", paramLabel = "N")
  Integer revision;

  @Option(names = "--reason", paramLabel = "TEXT")
  String reason;

  @Override
  public Integer call() {
    ObjectNode body = ApiClient.JSON.createObjectNode();
    if (revision != null) {
      body.put("revision", revision);
    }
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonNode rollout =
        api().post("/api/v1/endpoints/" + ApiClient.segment(name) + "/rollback", body);
    Map<String, String> f = new LinkedHashMap<>();
    f.put("rollout", rollout.path("id").asString(""));
    f.put("endpoint", rollout.path("endpoint").asString(""));
    f.put("kind", rollout.path("kind").asString(""));
    f.put(
        "revision",
        rollout.path("fromRevision").asString("?")
            + " -> "
            + rollout.path("revision").asString("?"));
    f.put("state", rollout.path("state").asString(""));
    f.put("reason", Output.text(rollout.path("reason")));
    out().object(rollout, f);
    return ExitCodes.OK;
  }
}
