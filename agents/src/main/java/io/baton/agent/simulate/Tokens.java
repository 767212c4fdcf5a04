package io.baton.agent.simulate;

import io.baton.agent.collect.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-node tokens from a file of {@code node token} lines; blank lines and {@code #} comments are
 * skipped.
 */
public final class Tokens {

  private Tokens() {}

  public static Map<String, String> parse(List<String> lines, String fileName)
      throws ParseException {
    Map<String, String> tokens = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new ParseException(
            fileName
                + ": line "
                + (i + 1)
                + ": expected 'node token', found "
                + parts.length
                + " words");
      }
      if (tokens.put(parts[0], parts[1]) != null) {
        throw new ParseException(fileName + ": line " + (i + 1) + ": node " + parts[0] + " twice");
      }
    }
    return tokens;
  }
}
