package io.baton.cli.output;

import io.baton.cli.api.ApiClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Prints results in the chosen format: JSON (the API's document, pretty-printed), YAML (the same
 * document), or a table for people (chosen columns; a list as rows, one object as name/value
 * lines).
 */
public final class Output {

  private static final YAMLMapper YAML =
      YAMLMapper.builder().disable(YAMLWriteFeature.WRITE_DOC_START_MARKER).build();

  private final PrintStream out;
  private final Format format;

  public Output(PrintStream out, Format format) {
    this.out = out;
    this.format = format;
  }

  public Format format() {
    return format;
  }

  /** The document as JSON or YAML; for a table, {@code table} prints it. */
  public void print(JsonNode document, Runnable table) {
    switch (format) {
      case json ->
          out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
      case yaml -> out.print(YAML.writeValueAsString(document));
      case table -> table.run();
    }
    out.flush();
  }

  /** A list: its items as rows of {@code columns}. */
  public void list(JsonNode document, JsonNode items, List<Column> columns) {
    print(document, () -> table(items, columns));
  }

  /** One object: a line per field, name and value. */
  public void object(JsonNode document, Map<String, String> fields) {
    print(
        document,
        () -> {
          int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
          fields.forEach(
              (name, value) -> {
                if (value != null && !value.isEmpty()) {
                  out.println(pad(name + ":", width + 1) + " " + value);
                }
              });
        });
  }

  /** Rows of columns, each as wide as its widest cell. */
  public void table(JsonNode items, List<Column> columns) {
    List<String[]> rows = new ArrayList<>();
    rows.add(columns.stream().map(Column::header).toArray(String[]::new));
    for (JsonNode item : items) {
      rows.add(columns.stream().map(c -> oneLine(c.cell().apply(item))).toArray(String[]::new));
    }
    int[] widths = new int[columns.size()];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i]) + "  ");
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** A value as a table shows it: text as is, null as empty, objects and arrays as JSON. */
  public static String text(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return "";
    }
    if (node.isValueNode()) {
      return node.asString();
    }
    return ApiClient.JSON.writeValueAsString(node);
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
  }

  static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
