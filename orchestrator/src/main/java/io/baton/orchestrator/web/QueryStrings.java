package io.baton.orchestrator.web;

import io.baton.orchestrator.problems.FieldViolation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a query string must be before any parameter is read from it: well-formed percent-encoding,
 * UTF-8 once decoded, a name for every value, and no control characters (U+0000–U+001F, U+007F) in
 * names or values — no parameter of the API takes one, and PostgreSQL refuses NUL in text.
 */
final class QueryStrings {

  private QueryStrings() {}

  /**
   * @param raw the query string as sent, still percent-encoded; null when there is none
   * @return what is wrong with the first offending parameter, or empty
   */
  static Optional<FieldViolation> check(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Optional.empty();
    }
    int start = 0;
    while (start <= raw.length()) {
      int end = raw.indexOf('&', start);
      if (end < 0) {
        end = raw.length();
      }
      if (end > start) {
        Optional<FieldViolation> violation = checkPair(raw.substring(start, end));
        if (violation.isPresent()) {
          return violation;
        }
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  private static Optional<FieldViolation> checkPair(String pair) {
    int equals = pair.indexOf('=');
    String rawName = equals < 0 ? pair : pair.substring(0, equals);
    if (rawName.isEmpty()) {
      return Optional.of(new FieldViolation("query", "a value without a parameter name"));
    }
    Decoded name = decode(rawName);
    String field = name.problem() == null ? printable(name.text()) : "query";
    if (name.problem() != null) {
      return Optional.of(new FieldViolation(field, "parameter name " + name.problem()));
    }
    if (equals >= 0) {
      Decoded value = decode(pair.substring(equals + 1));
      if (value.problem() != null) {
        return Optional.of(new FieldViolation(field, value.problem()));
      }
    }
    return Optional.empty();
  }

  private record Decoded(String text, String problem) {}

  private static Decoded decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          return new Decoded(null, "has a '%' that is not followed by two hex digits");
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else if (c > 0xff) {
        return new Decoded(null, "has a character that is not percent-encoded");
      } else {
        bytes.write(c);
      }
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
    } catch (CharacterCodingException e) {
      return new Decoded(null, "is not UTF-8 once percent-decoded");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return new Decoded(
            null, String.format("must not contain control characters (U+%04X)", (int) c));
      }
    }
    return new Decoded(text, null);
  }

  private static String printable(String name) {
    return name.length() > 64 ? name.substring(0, 64) + "…" : name;
  }
}
