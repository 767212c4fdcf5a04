package io.baton.cli.handoff;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code baton revisions NAME}: which checkpoint served when, newest first. */
@Command(
    name = "revisions",
    description = "Lists an endpoint's revisions: which checkpoint served when.")
public final class RevisionsCommand extends Base {

  @Parameters(paramLabel = "NAME")
  String name;

  @Option(names = "--limit", paramLabel = "N", description = "1–500 (default: 50)")
  Integer limit;

  @Override
  public Integer call() {
    JsonNode page =
        api()
            .get(
                "/api/v1/endpoints/" + ApiClient.segment(name) + "/revisions",
                ApiClient.params("limit", limit));
    out()
        .list(
            page,
            page.path("items"),
            List.of(
                Column.of("REVISION", "/revision"),
                Column.of("CURRENT", r -> r.path("current").asBoolean() ? "*" : ""),
                Column.of("CHECKPOINT", "/checkpointId"),
                Column.of("JOB", "/jobId"),
                Column.of("CREATED", "/createdAt"),
                Column.of(
                    "SERVED",
                    r -> {
                      StringBuilder s = new StringBuilder();
                      for (JsonNode period : r.path("served")) {
                        s.append(s.isEmpty() ? "" : ", ")
                            .append(period.path("from").asString(""))
                            .append(" .. ")
                            .append(
                                period.path("until").isNull()
                                    ? "now"
                                    : period.path("until").asString(""));
                      }
                      return s.toString();
                    })));
    return ExitCodes.OK;
  }
}
