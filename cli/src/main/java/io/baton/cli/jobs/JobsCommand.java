package io.baton.cli.jobs;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code baton jobs [--state --team --pool --limit]}: newest first. */
@Command(name = "jobs", description = "Lists jobs, newest first.")
public final class JobsCommand extends Base {

  @Option(names = "--state", paramLabel = "STATE", description = "QUEUED, RUNNING, SUCCEEDED, …")
  String state;

  @Option(names = "--team", paramLabel = "TEAM")
  String team;

  @Option(names = "--pool", paramLabel = "POOL")
  String pool;

  @Option(names = "--limit", paramLabel = "N", description = "1–500 (default: 50)")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "CURSOR", description = "the nextCursor of a page")
  String cursor;

  @Override
  public Integer call() {
    JsonNode page =
        api()
            .get(
                "/api/v1/jobs",
                ApiClient.params(
                    "state", state, "team", team, "pool", pool, "limit", limit, "cursor", cursor));
    out().list(page, page.path("items"), JobViews.COLUMNS);
    if (page.path("nextCursor").isString() && format() == io.baton.cli.output.Format.table) {
      io().err().println("more: --cursor " + page.path("nextCursor").asString());
    }
    return ExitCodes.OK;
  }
}
