package io.baton.cli.jobs;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code baton job ID}. */
@Command(name = "job", description = "Shows a job: state, placement, progress, restarts.")
public final class JobCommand extends Base {

  @Parameters(paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    JsonNode job = api().get("/api/v1/jobs/" + ApiClient.segment(id));
    out().object(job, JobViews.fields(job));
    return ExitCodes.OK;
  }
}
