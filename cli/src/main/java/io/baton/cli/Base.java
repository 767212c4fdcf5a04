package io.baton.cli;

import io.baton.cli.api.ApiClient;
import io.baton.cli.config.ConfigFile;
import io.baton.cli.config.Target;
import io.baton.cli.output.Format;
import io.baton.cli.output.Output;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command has: {@code -o}, {@code --context}, the API client and the output. */
public abstract class Base implements Callable<Integer> {

  @Spec protected CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table, json or yaml (default: table on a terminal, json when piped)")
  Format output;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "the saved context to use (default: $BATON_CONTEXT, else the current one)")
  protected String context;

  private ApiClient api;

  protected Io io() {
    return ((BatonCli) spec.root().userObject()).io();
  }

  protected ConfigFile configFile() {
    return new ConfigFile(io().configDir());
  }

  protected ApiClient api() {
    if (api == null) {
      api = new ApiClient(Target.resolve(io().env(), configFile(), context));
    }
    return api;
  }

  protected Format format() {
    if (output != null) {
      return output;
    }
    return io().terminal() ? Format.table : Format.json;
  }

  protected Output out() {
    return new Output(io().out(), format());
  }

  /**
   * Reports a change that has no document of its own: {@code message} for a table, the name/value
   * pairs as an object for JSON and YAML.
   */
  protected void done(String message, String... nameValues) {
    tools.jackson.databind.node.ObjectNode document = ApiClient.JSON.createObjectNode();
    for (int i = 0; i < nameValues.length; i += 2) {
      document.put(nameValues[i], nameValues[i + 1]);
    }
    out().print(document, () -> io().out().println(message));
  }
}
