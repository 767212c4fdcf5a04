package io.baton.agent.collect.ascend;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.Vendor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the chip table of {@code npu-smi info}.
 *
 * <p>Each NPU is a block of rows between {@code +===+} rules: the first row holds the NPU id, name,
 * health, power and temperature; each further row one chip of that NPU (one on 910 cards, several
 * on 310P cards) with its bus id, AI-core use and memory. The process table that follows is not
 * chips. Columns are matched by the header's names, never by fixed offsets.
 *
 * <p>The same table without its border lines (no {@code +---+} rules, as pasted into tickets or
 * kept by some exporters' fixtures, possibly indented) reads the same: a row whose first cell holds
 * a word that is not a number (the NPU's name) then starts an NPU's block, the rows after it until
 * the next such row are its chips.
 */
public final class NpuSmiInfoParser {

  private NpuSmiInfoParser() {}

  public static ChipSnapshot parse(String output) throws ParseException {
    List<String> lines = output.lines().map(String::strip).toList();
    if (lines.stream().allMatch(String::isBlank)) {
      throw new ParseException("npu-smi info: empty output");
    }
    int npuHeader = findNpuHeader(lines);
    int chipHeader = npuHeader + 1;
    if (chipHeader >= lines.size() || !firstCellStartsWith(lines.get(chipHeader), "Chip")) {
      throw new ParseException(
          "npu-smi info: line " + (chipHeader + 1) + ": expected the '| Chip ...' header row");
    }
    List<List<BoxTable.Column>> npuColumns =
        BoxTable.header(BoxTable.cells(lines.get(npuHeader), npuHeader + 1));
    List<List<BoxTable.Column>> chipColumns =
        BoxTable.header(BoxTable.cells(lines.get(chipHeader), chipHeader + 1));
    requireColumn(npuColumns, "NPU");
    requireColumn(npuColumns, "Health");
    boolean borderless = lines.stream().noneMatch(BoxTable::isRule);
    return new ChipSnapshot(
        Vendor.ASCEND, readBlocks(lines, chipHeader + 1, npuColumns, chipColumns, borderless));
  }

  private static List<Chip> readBlocks(
      List<String> lines,
      int from,
      List<List<BoxTable.Column>> npuColumns,
      List<List<BoxTable.Column>> chipColumns,
      boolean borderless)
      throws ParseException {
    List<Chip> chips = new ArrayList<>();
    Map<String, String> npu = null;
    int npuLine = 0;
    int chipsInBlock = 0;
    for (int i = from; i < lines.size(); i++) {
      String line = lines.get(i);
      int lineNo = i + 1;
      if (line.isBlank()) {
        continue;
      }
      if (BoxTable.isRule(line)) {
        if (npu != null && chipsInBlock == 0) {
          throw new ParseException(
              "npu-smi info: line " + lineNo + ": NPU " + npu.get("NPU") + " has no chip row");
        }
        npu = null;
        chipsInBlock = 0;
        continue;
      }
      if (!BoxTable.isRow(line)) {
        throw new ParseException("npu-smi info: line " + lineNo + ": not part of the table");
      }
      if (firstCellStartsWith(line, "NPU") && line.contains("Process")) {
        if (npu != null && chipsInBlock == 0) {
          throw new ParseException(
              "npu-smi info: line " + lineNo + ": NPU " + npu.get("NPU") + " has no chip row");
        }
        return checked(chips);
      }
      List<String> cells = BoxTable.cells(line, lineNo);
      if (borderless && npu != null && startsAnNpu(cells)) {
        if (chipsInBlock == 0) {
          throw new ParseException(
              "npu-smi info: line " + lineNo + ": NPU " + npu.get("NPU") + " has no chip row");
        }
        npu = null;
        chipsInBlock = 0;
      }
      if (npu == null) {
        npu = BoxTable.values(npuColumns, cells, lineNo);
        npuLine = lineNo;
      } else {
        chips.add(chip(npu, npuLine, BoxTable.values(chipColumns, cells, lineNo), lineNo));
        chipsInBlock++;
      }
    }
    if (npu != null && chipsInBlock == 0) {
      throw new ParseException(
          "npu-smi info: truncated: NPU " + npu.get("NPU") + " has no chip row");
    }
    throw new ParseException("npu-smi info: truncated: output ends before the process table");
  }

  /** An NPU row names the NPU in its first cell ({@code 0 910B1}); chip rows hold numbers only. */
  private static boolean startsAnNpu(List<String> cells) {
    for (String word : cells.get(0).strip().split("\\s+")) {
      if (!word.isEmpty() && !word.chars().allMatch(Character::isDigit)) {
        return true;
      }
    }
    return false;
  }

  private static List<Chip> checked(List<Chip> chips) throws ParseException {
    if (chips.size() > ChipSnapshot.MAX_CHIPS) {
      throw new ParseException(
          "npu-smi info: " + chips.size() + " chips, more than " + ChipSnapshot.MAX_CHIPS);
    }
    Set<Integer> indexes = new HashSet<>();
    for (Chip chip : chips) {
      if (!indexes.add(chip.index())) {
        throw new ParseException(
            "npu-smi info: chip index "
                + chip.index()
                + " appears twice (several chips on one NPU, and no Device column)");
      }
    }
    return chips;
  }

  /**
   * The chip's index is its NPU id, or, on cards with several chips per NPU (310P), the logical
   * device id of the {@code Device} column, which is what {@code ASCEND_RT_VISIBLE_DEVICES} takes.
   */
  private static Chip chip(
      Map<String, String> npu, int npuLine, Map<String, String> chip, int lineNo)
      throws ParseException {
    Map<String, String> raw = new LinkedHashMap<>(npu);
    raw.putAll(chip);
    Integer npuId = integer(npu, "NPU", npuLine);
    if (npuId == null) {
      throw new ParseException("npu-smi info: line " + npuLine + ": no NPU id");
    }
    Integer device = integer(chip, "Device", lineNo);
    int index = device != null ? device : npuId;
    String rawHealth = npu.get("Health");
    Health health = health(rawHealth);
    List<String> reasons =
        health == Health.OK ? List.of() : List.of("npu-smi health: " + rawHealth);
    String memory = chip.containsKey("HBM-Usage(MB)") ? "HBM-Usage(MB)" : "Memory-Usage(MB)";
    long[] usage = usage(chip.get(memory), memory, lineNo);
    return new Chip(
        index,
        integer(chip, "Chip", lineNo),
        npu.get("Name"),
        health,
        rawHealth,
        chip.get("Bus-Id"),
        null,
        decimal(npu, "Power(W)", npuLine),
        integer(npu, "Temp(C)", npuLine),
        integer(chip, "AICore(%)", lineNo),
        usage == null ? null : usage[0],
        usage == null ? null : usage[1],
        List.of(),
        reasons,
        raw);
  }

  /** {@code OK}→OK, {@code Warning}→WARNING, {@code Alarm}/{@code Critical}→FAULT, else UNKNOWN. */
  public static Health health(String word) {
    if (word == null) {
      return Health.UNKNOWN;
    }
    return switch (word.strip().toLowerCase(Locale.ROOT)) {
      case "ok" -> Health.OK;
      case "warning" -> Health.WARNING;
      case "alarm", "critical" -> Health.FAULT;
      default -> Health.UNKNOWN;
    };
  }

  private static int findNpuHeader(List<String> lines) throws ParseException {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (firstCellStartsWith(line, "NPU") && line.contains("Health")) {
        return i;
      }
    }
    throw new ParseException(
        "npu-smi info: no chip table (no header row starting '| NPU   Name' with 'Health')");
  }

  private static boolean firstCellStartsWith(String line, String word) {
    return line.startsWith("|") && line.substring(1).stripLeading().startsWith(word);
  }

  private static void requireColumn(List<List<BoxTable.Column>> header, String name)
      throws ParseException {
    boolean found = header.stream().flatMap(List::stream).anyMatch(c -> c.name().equals(name));
    if (!found) {
      throw new ParseException("npu-smi info: the header has no '" + name + "' column");
    }
  }

  private static boolean missing(String value) {
    return value == null
        || value.isBlank()
        || value.equalsIgnoreCase("NA")
        || value.equalsIgnoreCase("N/A")
        || value.equals("-");
  }

  private static Integer integer(Map<String, String> row, String column, int lineNo)
      throws ParseException {
    String value = row.get(column);
    if (missing(value)) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw notANumber(column, value, lineNo);
    }
  }

  private static Double decimal(Map<String, String> row, String column, int lineNo)
      throws ParseException {
    String value = row.get(column);
    if (missing(value)) {
      return null;
    }
    try {
      return Double.valueOf(value);
    } catch (NumberFormatException e) {
      throw notANumber(column, value, lineNo);
    }
  }

  /** {@code "3437 / 65536"} → used and total; null when the tool printed none. */
  private static long[] usage(String value, String column, int lineNo) throws ParseException {
    if (missing(value)) {
      return null;
    }
    String[] parts = value.split("\\s*/\\s*");
    try {
      if (parts.length == 2) {
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
      }
    } catch (NumberFormatException e) {
      // falls through to the typed error
    }
    throw new ParseException(
        "npu-smi info: line " + lineNo + ": " + column + " '" + value + "' is not 'used / total'");
  }

  private static ParseException notANumber(String column, String value, int lineNo) {
    return new ParseException(
        "npu-smi info: line " + lineNo + ": " + column + " '" + value + "' is not a number");
  }
}
