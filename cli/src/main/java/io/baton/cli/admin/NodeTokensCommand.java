package io.baton.cli.admin;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton node-tokens create|revoke}: node agents' tokens (admins). */
@Command(
    name = "node-tokens",
    description = "Issues and revokes node agents' tokens (bnt_…; admins).",
    subcommands = {NodeTokensCommand.Create.class, NodeTokensCommand.Revoke.class})
public final class NodeTokensCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: create or revoke");
  }

  /** {@code baton node-tokens create --pool POOL NODE…}: registers the nodes if new. */
  @Command(
      name = "create",
      description = {
        "Registers the nodes in POOL (if new) and issues a token for each:"
            + " node, pool, token id and token (shown only now)."
      })
  public static final class Create extends Base {

    @Option(names = "--pool", paramLabel = "POOL", required = true)
    String pool;

    @Parameters(paramLabel = "NODE", arity = "1..*")
    List<String> nodes;

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("pool", pool);
      nodes.forEach(body.putArray("nodes")::add);
      JsonNode issued = api().post("/api/v1/admin/node-tokens", body);
      out()
          .list(
              issued,
              issued.path("items"),
              List.of(
                  Column.of("NODE", "/node"),
                  Column.of("POOL", "/pool"),
                  Column.of("ID", "/id"),
                  Column.of("TOKEN", "/token")));
      return ExitCodes.OK;
    }
  }

  /** {@code baton node-tokens revoke NODE ID}. */
  @Command(
      name = "revoke",
      description = "Revokes a node's token: its reports get 401 from then on.")
  public static final class Revoke extends Base {

    @Parameters(index = "0", paramLabel = "NODE")
    String node;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      api()
          .delete(
              "/api/v1/admin/nodes/"
                  + ApiClient.segment(node)
                  + "/tokens/"
                  + ApiClient.segment(id));
      done("Revoked token " + id + " of node " + node, "node", node, "id", id, "revoked", "true");
      return ExitCodes.OK;
    }
  }
}
