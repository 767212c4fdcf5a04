package io.baton.cli.jobs;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code baton cancel ID}: idempotent, as the API's cancel is. */
@Command(
    name = "cancel",
    description = "Cancels a job (again: no change; a SUCCEEDED or FAILED job: exit 3).")
public final class CancelCommand extends Base {

  @Parameters(paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    JsonNode job = api().post("/api/v1/jobs/" + ApiClient.segment(id) + "/cancel", null);
    out().object(job, JobViews.fields(job));
    return ExitCodes.OK;
  }
}
