package io.baton.orchestrator.web;

/**
 * Which characters a client's free-form strings may hold, where no schema says it: PostgreSQL
 * refuses NUL in text, and control characters have no place in names, codes or comments.
 */
public final class Text {

  /** One line: no control characters (U+0000–U+001F, U+007F); for {@code @Pattern}. */
  public static final String LINE = "[^\\x00-\\x1F\\x7F]*";

  private Text() {}

  /** Free text: lines and tabs, no other control characters. */
  public static boolean isProse(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
