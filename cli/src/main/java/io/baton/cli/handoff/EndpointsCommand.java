package io.baton.cli.handoff;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code baton endpoints}. */
@Command(name = "endpoints", description = "Lists inference endpoints: revision, replicas, URLs.")
public final class EndpointsCommand extends Base {

  @Option(names = "--limit", paramLabel = "N", description = "1–500 (default: 50)")
  Integer limit;

  @Override
  public Integer call() {
    JsonNode page = api().get("/api/v1/endpoints", ApiClient.params("limit", limit));
    out().list(page, page.path("items"), EndpointViews.COLUMNS);
    return ExitCodes.OK;
  }
}
