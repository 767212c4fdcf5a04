package io.baton.agent;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them: {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 1m}, {@code 2h}.
 */
public final class Durations {

  private static final Pattern SHORT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text) {
    String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(value);
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double millis =
          switch (m.group(2)) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
          };
      return Duration.ofNanos(Math.round(millis * 1_000_000));
    }
    if (value.startsWith("pt")) {
      try {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // falls through to the readable error
      }
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a duration: use a number and a unit ms, s, m or h, e.g. 500ms, 5s, 1m");
  }
}
