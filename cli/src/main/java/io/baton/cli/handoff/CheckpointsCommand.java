package io.baton.cli.handoff;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import io.baton.cli.output.Output;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code baton checkpoints --job ID}: the registry of what training saved, newest first. */
@Command(
    name = "checkpoints",
    description = "Lists checkpoints (of one job with --job), newest first.")
public final class CheckpointsCommand extends Base {

  @Option(names = "--job", paramLabel = "ID")
  String job;

  @Option(names = "--include-deleted", description = "also the ones retention deleted")
  boolean includeDeleted;

  @Option(names = "--limit", paramLabel = "N", description = "1–500 (default: 50)")
  Integer limit;

  @Override
  public Integer call() {
    JsonNode page =
        api()
            .get(
                "/api/v1/checkpoints",
                ApiClient.params(
                    "jobId", job, "includeDeleted", includeDeleted ? true : null, "limit", limit));
    out()
        .list(
            page,
            page.path("items"),
            List.of(
                Column.of("ID", "/id"),
                Column.of("JOB", "/jobId"),
                Column.of("STEP", "/step"),
                Column.of("FORMAT", "/format"),
                Column.of("VERIFIED", "/verified"),
                Column.of("PROMOTED", "/promoted"),
                Column.of("METRICS", c -> Output.text(c.path("metrics"))),
                Column.of("DELETED", "/deletedAt")));
    return ExitCodes.OK;
  }
}
