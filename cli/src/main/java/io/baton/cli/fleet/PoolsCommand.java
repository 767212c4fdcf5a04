package io.baton.cli.fleet;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code baton pools}: the pools and what their nodes hold. */
@Command(name = "pools", description = "Lists the pools: role, nodes and chips by health.")
public final class PoolsCommand extends Base {

  @Option(names = "--limit", paramLabel = "N", description = "1–500 (default: 100)")
  Integer limit;

  @Override
  public Integer call() {
    JsonNode page = api().get("/api/v1/pools", ApiClient.params("limit", limit));
    out()
        .list(
            page,
            page.path("items"),
            List.of(
                Column.of("NAME", "/name"),
                Column.of("ROLE", "/role"),
                Column.of("ACCELERATOR", "/accelerator"),
                Column.of("NODES", "/capacity/nodes"),
                Column.of("CHIPS", "/capacity/chipsTotal"),
                Column.of("SCHEDULABLE", "/capacity/chipsSchedulable"),
                Column.of("WARNING", "/capacity/chipsWarning"),
                Column.of("FAULT", "/capacity/chipsFault"),
                Column.of("UNKNOWN", "/capacity/chipsUnknown")));
    return ExitCodes.OK;
  }
}
