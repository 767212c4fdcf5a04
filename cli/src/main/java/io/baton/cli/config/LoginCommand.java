package io.baton.cli.config;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.api.ApiException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code baton login --url URL [--token-stdin]}: checks the token against the API and saves it as a
 * context (the current one from then on). The token is read from standard input, from {@code
 * BATON_TOKEN}, or asked for without echo on a terminal; it is never printed.
 */
@Command(
    name = "login",
    description = {
      "Saves a Baton URL and token as a context (the current one from then on) in"
          + " $XDG_CONFIG_HOME/baton/config.yaml (mode 600).",
      "The token comes from stdin (--token-stdin), else $BATON_TOKEN, else a prompt."
    })
public final class LoginCommand extends Base {

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "the Baton API, e.g. http://localhost:8080 (default: $BATON_URL)")
  String url;

  @Option(names = "--token-stdin", description = "read the token from standard input")
  boolean tokenStdin;

  @Override
  public Integer call() {
    String base = url != null ? url : io().env().get("BATON_URL");
    if (base == null || base.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--url is required (or set BATON_URL)");
    }
    base = Target.stripSlash(base);
    String token = token();
    if (token == null || token.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "no token: pass it on stdin with --token-stdin, or set BATON_TOKEN");
    }
    ConfigFile file = configFile();
    ConfigFile.Config config = file.read();
    String name =
        context != null ? context : (config.current() != null ? config.current() : "default");
    try {
      new ApiClient(new Target(base, token, name)).get("/api/v1/pools?limit=1");
    } catch (ApiException e) {
      if (e.status() != 403) {
        throw e;
      }
      // A valid token without a grant that reads pools: still a caller.
    }
    Map<String, ConfigFile.Context> contexts = new LinkedHashMap<>(config.contexts());
    contexts.put(name, new ConfigFile.Context(base, token.trim()));
    file.write(new ConfigFile.Config(name, contexts));
    done(
        "Logged in to " + base + " as context '" + name + "' (" + file.path() + ")",
        "context",
        name,
        "url",
        base,
        "config",
        file.path().toString());
    return ExitCodes.OK;
  }

  private String token() {
    if (tokenStdin) {
      try {
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(io().in(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line == null ? null : line.trim();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String env = io().env().get("BATON_TOKEN");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    Console console = io().terminal() ? System.console() : null;
    if (console != null) {
      char[] typed = console.readPassword("Token: ");
      return typed == null ? null : new String(typed).trim();
    }
    return null;
  }
}
