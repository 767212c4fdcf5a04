package io.baton.cli.config;

import java.util.Map;

/**
 * Where a command sends its requests: {@code BATON_URL} and {@code BATON_TOKEN} when set (a
 * pipeline needs no login), else the chosen context of the config file ({@code --context}, then
 * {@code BATON_CONTEXT}, then the current one).
 *
 * @param url the API's base URL, without a trailing slash
 * @param token the bearer token; never printed
 * @param context the context it came from, or null when it came from the environment
 */
public record Target(String url, String token, String context) {

  /** Resolves the target, or fails with a message that says what to do. */
  public static Target resolve(Map<String, String> env, ConfigFile file, String contextOption) {
    ConfigFile.Config config = file.read();
    String name = contextOption != null ? contextOption : env.get("BATON_CONTEXT");
    if (name == null) {
      name = config.current();
    }
    ConfigFile.Context context = name == null ? null : config.contexts().get(name);
    if (contextOption != null && context == null) {
      throw new NotLoggedInException("no context '" + contextOption + "' in " + file.path());
    }
    String url = blankToNull(env.get("BATON_URL"));
    String token = blankToNull(env.get("BATON_TOKEN"));
    String from = url != null && token != null ? null : name;
    if (url == null && context != null) {
      url = context.url();
    }
    if (token == null && context != null) {
      token = context.token();
    }
    if (url == null) {
      throw new NotLoggedInException(
          "no Baton to talk to: run `baton login --url URL` or set BATON_URL and BATON_TOKEN");
    }
    if (token == null) {
      throw new NotLoggedInException(
          "no token for " + url + ": run `baton login --url " + url + "` or set BATON_TOKEN");
    }
    return new Target(stripSlash(url), token, from);
  }

  static String stripSlash(String url) {
    String u = url.trim();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public String toString() {
    return "Target[url=" + url + ", context=" + context + ", token=(hidden)]";
  }

  /** Neither a saved context nor the environment says where or as whom. */
  public static final class NotLoggedInException extends RuntimeException {
    public NotLoggedInException(String message) {
      super(message);
    }
  }
}
