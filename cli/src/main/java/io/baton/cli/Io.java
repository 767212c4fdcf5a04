package io.baton.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of {@code baton} talks to: its streams, its environment and whether its output is a
 * terminal. {@link BatonCli#main} fills it from the process; tests pass their own, so the whole
 * command line runs in-process against captured streams.
 *
 * @param in standard input (for {@code login --token-stdin})
 * @param out standard output: results only
 * @param err standard error: errors and problem documents
 * @param env the environment ({@code BATON_URL}, {@code BATON_TOKEN}, {@code XDG_CONFIG_HOME},
 *     {@code HOME}, {@code COLUMNS})
 * @param terminal whether standard output is a terminal: tables and a redrawn progress bar there,
 *     JSON and one line per change when piped
 */
public record Io(
    InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {

  /** The process's own. */
  public static Io system() {
    return new Io(System.in, System.out, System.err, System.getenv(), System.console() != null);
  }

  /** {@code $XDG_CONFIG_HOME/baton}, else {@code ~/.config/baton}. */
  public Path configDir() {
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "baton");
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".config", "baton");
  }

  /** The terminal's width from {@code COLUMNS}; 0 when unset (the progress bar then asks JLine). */
  public int columns() {
    try {
      int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "0").trim());
      return columns >= 20 ? columns : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
