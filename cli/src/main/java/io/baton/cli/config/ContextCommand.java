package io.baton.cli.config;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.output.Column;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code baton context list|use|delete}: the saved contexts, one per Baton installation. */
@Command(
    name = "context",
    description = "Lists the saved contexts, or switches to or deletes one.",
    subcommands = {
      ContextCommand.ListContexts.class,
      ContextCommand.Use.class,
      ContextCommand.Delete.class
    })
public final class ContextCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: list, use or delete");
  }

  /** {@code baton context list}: name, URL, current; never the tokens. */
  @Command(name = "list", description = "Lists the saved contexts (never their tokens).")
  public static final class ListContexts extends Base {
    @Override
    public Integer call() {
      ConfigFile.Config config = configFile().read();
      ObjectNode document = ApiClient.JSON.createObjectNode();
      document.put("current", config.current());
      ArrayNode items = document.putArray("items");
      config
          .contexts()
          .forEach(
              (name, c) ->
                  items
                      .addObject()
                      .put("name", name)
                      .put("url", c.url())
                      .put("current", name.equals(config.current())));
      out()
          .list(
              document,
              items,
              List.of(
                  Column.of("CURRENT", n -> n.path("current").asBoolean() ? "*" : ""),
                  Column.of("NAME", "/name"),
                  Column.of("URL", "/url")));
      return ExitCodes.OK;
    }
  }

  /** {@code baton context use NAME}. */
  @Command(name = "use", description = "Makes NAME the current context.")
  public static final class Use extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      ConfigFile file = configFile();
      ConfigFile.Config config = file.read();
      if (!config.contexts().containsKey(name)) {
        io().err().println("baton: no context '" + name + "'; `baton context list` shows them");
        return ExitCodes.NOT_FOUND;
      }
      file.write(new ConfigFile.Config(name, config.contexts()));
      done("Current context: " + name, "current", name);
      return ExitCodes.OK;
    }
  }

  /** {@code baton context delete NAME}. */
  @Command(name = "delete", description = "Forgets the context NAME and its token.")
  public static final class Delete extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      ConfigFile file = configFile();
      ConfigFile.Config config = file.read();
      Map<String, ConfigFile.Context> contexts = new LinkedHashMap<>(config.contexts());
      if (contexts.remove(name) == null) {
        io().err().println("baton: no context '" + name + "'");
        return ExitCodes.NOT_FOUND;
      }
      String current = name.equals(config.current()) ? null : config.current();
      file.write(new ConfigFile.Config(current, contexts));
      done("Deleted context " + name, "deleted", name, "current", current);
      return ExitCodes.OK;
    }
  }
}
