package io.baton.orchestrator.ingest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The {@code links} of a chip on the heartbeat fast path: checked completely against the schema's
 * {@code link} definition, or not at all (null, and the body goes the thorough way).
 */
final class HeartbeatLinks {

  private static final int MAX_LINKS = 64;
  private static final int MAX_NAME = 64;
  private static final int MAX_ERRORS = 32;
  private static final int MAX_COUNTER = 64;

  /** No link is DOWN; shared, as almost every chip answers it. */
  static final List<String> NONE_DOWN = List.of();

  private HeartbeatLinks() {}

  /**
   * The names of the DOWN links of a {@code links} value (an array or null); the parser on the
   * value, left on its end.
   *
   * @return the DOWN links' names, or null when the value is not surely valid
   */
  static List<String> downLinks(JsonParser p, JsonToken value) {
    if (value == JsonToken.VALUE_NULL) {
      return NONE_DOWN;
    }
    if (value != JsonToken.START_ARRAY) {
      return null;
    }
    List<String> down = NONE_DOWN;
    int count = 0;
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.START_OBJECT) {
      if (++count > MAX_LINKS) {
        return null;
      }
      String name = null;
      String state = null;
      boolean errors = false;
      JsonToken field;
      while ((field = p.nextToken()) == JsonToken.PROPERTY_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "name" -> {
            if (name != null || v != JsonToken.VALUE_STRING || !isName(p.getString())) {
              return null;
            }
            name = p.getString();
          }
          case "state" -> {
            if (state != null || v != JsonToken.VALUE_STRING || !isState(p.getString())) {
              return null;
            }
            state = p.getString();
          }
          case "errors" -> {
            if (errors || !errors(p, v)) {
              return null;
            }
            errors = true;
          }
          default -> {
            return null;
          }
        }
      }
      if (field != JsonToken.END_OBJECT || name == null || state == null) {
        return null;
      }
      if ("DOWN".equals(state)) {
        if (down == NONE_DOWN) {
          down = new ArrayList<>(2);
        }
        down.add(name);
      }
    }
    return token == JsonToken.END_ARRAY ? down : null;
  }

  private static boolean isState(String state) {
    return "UP".equals(state) || "DOWN".equals(state) || "UNKNOWN".equals(state);
  }

  /** {@code ^[A-Za-z0-9][A-Za-z0-9._:/-]*$}, 1 to 64 characters. */
  static boolean isName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME || !alphanumeric(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!alphanumeric(c) && c != '.' && c != '_' && c != ':' && c != '/' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code ^[a-z0-9][a-z0-9_-]*$}, at most 64 characters. */
  static boolean isCounter(String counter) {
    if (counter.isEmpty() || counter.length() > MAX_COUNTER) {
      return false;
    }
    for (int i = 0; i < counter.length(); i++) {
      char c = counter.charAt(i);
      boolean lowerOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!lowerOrDigit && (i == 0 || (c != '_' && c != '-'))) {
        return false;
      }
    }
    return true;
  }

  /** Null, or an object of at most 32 distinct counters, each a non-negative long. */
  private static boolean errors(JsonParser p, JsonToken value) {
    if (value == JsonToken.VALUE_NULL) {
      return true;
    }
    if (value != JsonToken.START_OBJECT) {
      return false;
    }
    Set<String> seen = new HashSet<>();
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.PROPERTY_NAME) {
      String counter = p.currentName();
      if (!isCounter(counter) || !seen.add(counter) || seen.size() > MAX_ERRORS) {
        return false;
      }
      JsonToken v = p.nextToken();
      if (v != JsonToken.VALUE_NUMBER_INT) {
        return false;
      }
      JsonParser.NumberType type = p.getNumberType();
      if ((type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG)
          || p.getLongValue() < 0) {
        return false;
      }
    }
    return token == JsonToken.END_OBJECT;
  }

  private static boolean alphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
