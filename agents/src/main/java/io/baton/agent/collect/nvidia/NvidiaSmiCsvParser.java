package io.baton.agent.collect.nvidia;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.Vendor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code nvidia-smi --query-gpu=... --format=csv}, with its header (columns by name, units
 * in brackets, values with units) or with {@code noheader,nounits} (columns in {@link #QUERY}
 * order, bare values). Bracketed values such as {@code [N/A]} and {@code [Not Supported]} are
 * missing values.
 */
public final class NvidiaSmiCsvParser {

  private static final String SLOWDOWN = "clocks_throttle_reasons.";

  /** The query the collector runs; a header-less output has exactly these columns. */
  public static final List<String> QUERY =
      List.of(
          "index",
          "uuid",
          "name",
          "temperature.gpu",
          "power.draw",
          "utilization.gpu",
          "memory.used",
          "memory.total",
          "ecc.errors.uncorrected.volatile.total",
          "retired_pages.pending",
          "remapped_rows.failure",
          SLOWDOWN + "hw_slowdown",
          SLOWDOWN + "sw_thermal_slowdown",
          SLOWDOWN + "hw_thermal_slowdown",
          SLOWDOWN + "hw_power_brake_slowdown");

  private static final Pattern FIELD = Pattern.compile("[a-z][a-z0-9_.]*(\\s*\\[[^]]*])?");
  private static final Pattern UNIT = Pattern.compile("\\s*(W|%|MiB|MB|MHz|C)$");

  private NvidiaSmiCsvParser() {}

  public static ChipSnapshot parse(String output, Map<Integer, Set<Integer>> xidsByGpu)
      throws ParseException {
    List<String> lines = output.lines().map(String::strip).toList();
    if (lines.stream().allMatch(String::isEmpty)) {
      throw new ParseException("nvidia-smi: empty output");
    }
    List<String> columns = QUERY;
    int first = 0;
    while (lines.get(first).isEmpty()) {
      first++;
    }
    if (isHeader(lines.get(first))) {
      columns = split(lines.get(first)).stream().map(NvidiaSmiCsvParser::columnName).toList();
      first++;
    }
    if (!columns.contains("index")) {
      throw new ParseException("nvidia-smi: the header has no 'index' column");
    }
    List<Chip> chips = new ArrayList<>();
    for (int i = first; i < lines.size(); i++) {
      if (lines.get(i).isEmpty()) {
        continue;
      }
      GpuReading gpu = reading(columns, split(lines.get(i)), i + 1);
      chips.add(chip(gpu, xidsByGpu.getOrDefault(gpu.index(), Set.of())));
    }
    if (chips.size() > ChipSnapshot.MAX_CHIPS) {
      throw new ParseException(
          "nvidia-smi: " + chips.size() + " GPUs, more than " + ChipSnapshot.MAX_CHIPS);
    }
    return new ChipSnapshot(Vendor.NVIDIA, chips);
  }

  static Chip chip(GpuReading gpu, Set<Integer> xids) {
    NvidiaHealth.Verdict verdict = NvidiaHealth.evaluate(gpu, xids);
    return new Chip(
        gpu.index(),
        null,
        gpu.name(),
        verdict.health(),
        null,
        null,
        gpu.uuid(),
        gpu.powerW(),
        gpu.tempC(),
        gpu.utilizationPct(),
        gpu.memoryUsedMb(),
        gpu.memoryTotalMb(),
        verdict.errorCodes(),
        verdict.reasons(),
        gpu.raw(),
        List.of(),
        verdict.memoryErrors());
  }

  private static GpuReading reading(List<String> columns, List<String> values, int lineNo)
      throws ParseException {
    if (values.size() != columns.size()) {
      throw new ParseException(
          "nvidia-smi: line "
              + lineNo
              + ": expected "
              + columns.size()
              + " values, found "
              + values.size());
    }
    Map<String, String> row = new LinkedHashMap<>();
    for (int c = 0; c < columns.size(); c++) {
      row.put(columns.get(c), values.get(c));
    }
    Values v = new Values(row, lineNo);
    Long index = v.number("index");
    if (index == null) {
      throw new ParseException("nvidia-smi: line " + lineNo + ": no GPU index");
    }
    List<String> slowdowns = new ArrayList<>();
    for (String column : columns) {
      if (column.startsWith(SLOWDOWN) && Boolean.TRUE.equals(v.flag(column))) {
        slowdowns.add(column.substring(SLOWDOWN.length()));
      }
    }
    Long temp = v.number("temperature.gpu");
    Long util = v.number("utilization.gpu");
    return new GpuReading(
        index.intValue(),
        v.text("uuid"),
        v.text("name"),
        temp == null ? null : temp.intValue(),
        v.decimal("power.draw"),
        util == null ? null : util.intValue(),
        v.number("memory.used"),
        v.number("memory.total"),
        v.number("ecc.errors.uncorrected.volatile.total"),
        v.flag("retired_pages.pending"),
        v.flag("remapped_rows.pending"),
        v.flag("remapped_rows.failure"),
        slowdowns,
        row);
  }

  /** A header names fields ({@code index, memory.used [MiB]}); a data row or an error does not. */
  private static boolean isHeader(String line) {
    return split(line).stream().allMatch(cell -> FIELD.matcher(cell).matches());
  }

  /** {@code memory.used [MiB]} → {@code memory.used}; newer drivers' event reasons → throttle. */
  private static String columnName(String header) {
    String name = header.replaceAll("\\s*\\[.*]$", "").strip().toLowerCase(Locale.ROOT);
    return name.startsWith("clocks_event_reasons.")
        ? SLOWDOWN + name.substring("clocks_event_reasons.".length())
        : name;
  }

  private static List<String> split(String line) {
    List<String> values = new ArrayList<>();
    for (String value : line.split(",", -1)) {
      values.add(value.strip());
    }
    return values;
  }

  private record Values(Map<String, String> row, int lineNo) {

    private static final Map<String, Boolean> FLAGS = new HashMap<>();

    static {
      FLAGS.put("yes", true);
      FLAGS.put("no", false);
      FLAGS.put("active", true);
      FLAGS.put("not active", false);
      FLAGS.put("enabled", true);
      FLAGS.put("disabled", false);
    }

    String text(String column) {
      String value = row.get(column);
      return missing(value) ? null : value;
    }

    Long number(String column) throws ParseException {
      String value = text(column);
      if (value == null) {
        return null;
      }
      try {
        return Long.valueOf(UNIT.matcher(value).replaceFirst(""));
      } catch (NumberFormatException e) {
        throw invalid(column, value, "a whole number");
      }
    }

    Double decimal(String column) throws ParseException {
      String value = text(column);
      if (value == null) {
        return null;
      }
      try {
        return Double.valueOf(UNIT.matcher(value).replaceFirst(""));
      } catch (NumberFormatException e) {
        throw invalid(column, value, "a number");
      }
    }

    Boolean flag(String column) throws ParseException {
      String value = text(column);
      if (value == null) {
        return null;
      }
      Boolean flag = FLAGS.get(value.toLowerCase(Locale.ROOT));
      if (flag == null) {
        throw invalid(column, value, "Yes/No or Active/Not Active");
      }
      return flag;
    }

    private ParseException invalid(String column, String value, String expected) {
      return new ParseException(
          "nvidia-smi: line " + lineNo + ": " + column + " '" + value + "' is not " + expected);
    }

    private static boolean missing(String value) {
      return value == null
          || value.isEmpty()
          || value.startsWith("[")
          || value.equalsIgnoreCase("N/A");
    }
  }
}
