package io.baton.examples;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code --name value} / {@code --name=value} flags of one subcommand. */
record Flags(Map<String, String> values) {

  Flags {
    values = Map.copyOf(values);
  }

  static Flags parse(List<String> args, Set<String> allowed) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw DemoException.usage("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      if (!allowed.contains(name)) {
        throw DemoException.usage("unknown flag --" + name);
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw DemoException.usage("--" + name + " needs a value");
      }
      values.put(name, value);
    }
    return new Flags(values);
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  int integer(String name, int fallback, int min) {
    long value = longValue(name, fallback);
    if (value < min || value > Integer.MAX_VALUE) {
      throw DemoException.usage("--" + name + " must be an integer >= " + min);
    }
    return (int) value;
  }

  long longValue(String name, long fallback) {
    String raw = values.get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw DemoException.usage("--" + name + " must be an integer, got '" + raw + "'");
    }
  }

  double positive(String name, double fallback) {
    String raw = values.get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(raw.trim());
      if (value > 0 && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw DemoException.usage("--" + name + " must be a positive number, got '" + raw + "'");
  }

  /** A duration given as {@code 30s}, {@code 500ms}, {@code 2m} or plain seconds. */
  Duration duration(String name, Duration fallback) {
    String raw = values.get(name);
    if (raw == null) {
      return fallback;
    }
    String text = raw.trim().toLowerCase();
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      String seconds = text.endsWith("s") ? text.substring(0, text.length() - 1) : text;
      return Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000));
    } catch (NumberFormatException e) {
      throw DemoException.usage("--" + name + " must be a duration like 30s or 500ms");
    }
  }
}
