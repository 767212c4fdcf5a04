package io.baton.cli.admin;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import io.baton.cli.output.Format;
import io.baton.cli.output.Output;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton tokens create|list|revoke}: API tokens for people and pipelines. */
@Command(
    name = "tokens",
    description = "Creates, lists and revokes API tokens (bpat_…).",
    subcommands = {
      TokensCommand.Create.class,
      TokensCommand.ListTokens.class,
      TokensCommand.Revoke.class
    })
public final class TokensCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: create, list or revoke");
  }

  /**
   * {@code baton tokens create NAME --grant TEAM:ROLE…}: the secret is shown this once (or written
   * to {@code --secret-file}, mode 600, and left out of the output).
   */
  @Command(
      name = "create",
      description = {
        "Creates an API token. The secret is shown this once; with --secret-file it is written"
            + " there (mode 600) and not printed.",
        "A caller hands on only grants it holds itself."
      })
  public static final class Create extends Base {

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--grant",
        paramLabel = "TEAM:ROLE",
        required = true,
        description = "research:member, research:viewer, research:maintainer, or admin; repeatable")
    List<String> grants;

    @Option(
        names = "--expires-at",
        paramLabel = "INSTANT",
        description = "e.g. 2027-01-31T00:00:00Z")
    String expiresAt;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "write the secret here")
    Path secretFile;

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      body.put("name", name);
      ArrayNode list = body.putArray("grants");
      for (String grant : grants) {
        ObjectNode g = list.addObject();
        int colon = grant.indexOf(':');
        if (colon < 0) {
          g.put("role", grant);
        } else {
          g.put("team", grant.substring(0, colon));
          g.put("role", grant.substring(colon + 1));
        }
      }
      if (expiresAt != null) {
        body.put("expiresAt", expiresAt);
      }
      ObjectNode issued = (ObjectNode) api().post("/api/v1/tokens", body);
      if (secretFile != null) {
        write(secretFile, issued.path("token").asString());
        issued.remove("token");
      }
      Map<String, String> f = new LinkedHashMap<>();
      f.put("id", issued.path("id").asString());
      f.put("name", issued.path("name").asString());
      f.put("grants", grants(issued.path("grants")));
      f.put("expires", Output.text(issued.path("expiresAt")));
      f.put("token", issued.path("token").asString(""));
      f.put("secret", secretFile != null ? "written to " + secretFile : "");
      out().object(issued, f);
      if (secretFile == null && format() == Format.table) {
        io().err().println("The token is shown only now: keep it.");
      }
      return ExitCodes.OK;
    }

    private static void write(Path file, String secret) {
      try {
        Files.deleteIfExists(file);
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n", StandardOpenOption.TRUNCATE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code baton tokens list}: never a secret. */
  @Command(
      name = "list",
      description = "Lists the tokens you manage, newest first (never a secret).")
  public static final class ListTokens extends Base {

    @Option(names = "--limit", paramLabel = "N", description = "1–500 (default: 50)")
    Integer limit;

    @Override
    public Integer call() {
      JsonNode page = api().get("/api/v1/tokens", ApiClient.params("limit", limit));
      out()
          .list(
              page,
              page.path("items"),
              List.of(
                  Column.of("ID", "/id"),
                  Column.of("NAME", "/name"),
                  Column.of("GRANTS", t -> grants(t.path("grants"))),
                  Column.of("CREATED BY", "/createdBy"),
                  Column.of("EXPIRES", "/expiresAt"),
                  Column.of("LAST USED", "/lastUsedAt")));
      return ExitCodes.OK;
    }
  }

  /** {@code baton tokens revoke ID}. */
  @Command(name = "revoke", description = "Revokes a token at once, on every replica.")
  public static final class Revoke extends Base {

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      api().delete("/api/v1/tokens/" + ApiClient.segment(id));
      done("Revoked token " + id, "id", id, "revoked", "true");
      return ExitCodes.OK;
    }
  }

  static String grants(JsonNode grants) {
    StringBuilder s = new StringBuilder();
    for (JsonNode g : grants) {
      s.append(s.isEmpty() ? "" : ",")
          .append(g.hasNonNull("team") ? g.get("team").asString() + ":" : "")
          .append(g.path("role").asString());
    }
    return s.toString();
  }
}
