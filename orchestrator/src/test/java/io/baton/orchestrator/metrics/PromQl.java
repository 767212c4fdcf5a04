package io.baton.orchestrator.metrics;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (or a Grafana variable query) reads: what is left once
 * strings, label matchers, ranges, grouping clauses, Grafana variables, functions, keywords and
 * numbers are taken out. Enough for the expressions Baton's dashboards and alerts use.
 */
final class PromQl {

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "offset",
          "bool",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "Inf",
          "NaN");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?\\s*,");

  private PromQl() {}

  static Set<String> metricNames(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher labelValues = LABEL_VALUES.matcher(expr);
    if (expr.trim().startsWith("label_values(")) {
      if (labelValues.find()) {
        names.add(labelValues.group(1));
      }
      return names;
    }
    String s =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\$\\{?\\w+}?", " ");
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      if (m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
