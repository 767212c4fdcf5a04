package io.baton.cli.handoff;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code baton endpoint NAME}. */
@Command(name = "endpoint", description = "Shows an endpoint: revision, replicas, URLs, rollout.")
public final class EndpointCommand extends Base {

  @Parameters(paramLabel = "NAME")
  String name;

  @Override
  public Integer call() {
    JsonNode endpoint = api().get("/api/v1/endpoints/" + ApiClient.segment(name));
    out().object(endpoint, EndpointViews.fields(endpoint));
    return ExitCodes.OK;
  }
}
