package io.baton.agent.collect.ascend;

import io.baton.agent.collect.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the rows of a box-drawn table such as {@code npu-smi info} prints: cells between {@code |},
 * and inside a cell several sub-columns separated by blanks. A data value belongs to the header
 * name whose start column is nearest, so the layout adapts to whatever widths a driver version
 * prints.
 */
final class BoxTable {

  private static final Pattern NAME = Pattern.compile("\\S+");
  private static final Pattern VALUE = Pattern.compile("[^\\s/]+(?:\\s*/\\s*[^\\s/]+)?");

  /** A header name and its column inside its cell. */
  record Column(String name, int offset) {}

  private BoxTable() {}

  static boolean isRow(String line) {
    return line.startsWith("|");
  }

  static boolean isRule(String line) {
    return line.startsWith("+");
  }

  static List<String> cells(String line, int lineNo) throws ParseException {
    if (!line.startsWith("|") || !line.endsWith("|") || line.length() < 2) {
      throw new ParseException("npu-smi info: line " + lineNo + ": truncated table row");
    }
    List<String> cells = new ArrayList<>();
    int start = 1;
    for (int i = 1; i < line.length(); i++) {
      if (line.charAt(i) == '|') {
        cells.add(line.substring(start, i));
        start = i + 1;
      }
    }
    return cells;
  }

  static List<List<Column>> header(List<String> cells) {
    List<List<Column>> header = new ArrayList<>();
    for (String cell : cells) {
      List<Column> columns = new ArrayList<>();
      Matcher m = NAME.matcher(cell);
      while (m.find()) {
        columns.add(new Column(m.group(), m.start()));
      }
      header.add(columns);
    }
    return header;
  }

  /** Maps the values of a data row onto the header's names, in header order. */
  static Map<String, String> values(List<List<Column>> header, List<String> cells, int lineNo)
      throws ParseException {
    if (cells.size() != header.size()) {
      throw new ParseException(
          "npu-smi info: line "
              + lineNo
              + ": expected "
              + header.size()
              + " cells like the header, found "
              + cells.size());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int c = 0; c < cells.size(); c++) {
      List<Column> columns = header.get(c);
      if (columns.isEmpty()) {
        continue;
      }
      Matcher m = VALUE.matcher(cells.get(c));
      while (m.find()) {
        String name = nearest(columns, m.start()).name();
        String value = m.group().replaceAll("\\s*/\\s*", " / ");
        values.merge(name, value, (a, b) -> a + " " + b);
      }
    }
    return values;
  }

  private static Column nearest(List<Column> columns, int offset) {
    Column best = columns.get(0);
    for (Column column : columns) {
      if (Math.abs(column.offset() - offset) < Math.abs(best.offset() - offset)) {
        best = column;
      }
    }
    return best;
  }
}
