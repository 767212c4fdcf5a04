package io.baton.orchestrator.ingest;

import io.baton.orchestrator.pools.ChipHealth;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fast path for the report almost every request carries: a heartbeat — chips, no progress, no
 * checkpoints — read in one streaming pass over the body, without building a tree, running the
 * schema validator, or serializing the chips again (the node row keeps the chips array exactly as
 * the agent sent it, sliced from the body).
 *
 * <p>The schema stays the authority: this reader accepts only what it can check completely against
 * {@code agent-report.schema.json} — the common shape, every value of the right type and range —
 * and answers {@code null} ("not sure") for everything else: progress or checkpoints, an unknown or
 * repeated field, a float where an integer belongs, chips out of index order, a backslash-u escape
 * in the chips, malformed JSON. Chips' {@code links} are checked by {@link HeartbeatLinks}, so
 * heartbeats of agents that read links stay on this path. The caller then reads the body the
 * thorough way (tree, schema, {@link ReportParser}), which accepts or rejects it with the field
 * named. A test holds the two to the same answers.
 */
final class HeartbeatReader {

  private static final int MAX_CHIPS = 64;
  private static final int MAX_NODE_NAME = 253;
  // Top-level fields, as bits: each may appear once; the required ones must.
  private static final int NODE = 1;
  private static final int BOOT_ID = 1 << 1;
  private static final int SEQ = 1 << 2;
  private static final int SENT_AT = 1 << 3;
  private static final int VENDOR = 1 << 4;
  private static final int CHIPS = 1 << 5;
  private static final int PROGRESS = 1 << 6;
  private static final int CHECKPOINTS = 1 << 7;
  private static final int MALFORMED = 1 << 8;
  private static final int DROPPED = 1 << 9;
  private static final int REQUIRED =
      NODE | BOOT_ID | SEQ | SENT_AT | VENDOR | CHIPS | PROGRESS | CHECKPOINTS;

  private HeartbeatReader() {}

  /**
   * @return the report, or {@code null} when the body needs the thorough reading
   */
  static AgentReport tryRead(JsonMapper json, byte[] body) {
    try (JsonParser p = json.createParser(body)) {
      return read(p, body);
    } catch (JacksonException | IllegalArgumentException | ArithmeticException notSure) {
      return null;
    }
  }

  private static AgentReport read(JsonParser p, byte[] body) {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    int seen = 0;
    String node = null;
    UUID bootId = null;
    long seq = -1;
    String vendor = null;
    List<AgentReport.Chip> chips = null;
    String chipsJson = null;
    long malformed = 0;
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.PROPERTY_NAME) {
      int field = topLevelField(p.currentName());
      if (field == 0 || (seen & field) != 0) {
        return null;
      }
      seen |= field;
      JsonToken value = p.nextToken();
      switch (field) {
        case NODE -> {
          node = string(p, value);
          if (node == null || !withinLength(node, 1, MAX_NODE_NAME) || node.indexOf('\0') >= 0) {
            return null;
          }
        }
        case BOOT_ID -> {
          String text = string(p, value);
          if (text == null) {
            return null;
          }
          bootId = UUID.fromString(text);
        }
        case SEQ -> {
          seq = nonNegativeLong(p, value);
          if (seq < 0) {
            return null;
          }
        }
        case SENT_AT -> {
          if (value != JsonToken.VALUE_STRING) {
            return null;
          }
        }
        case VENDOR -> {
          vendor = string(p, value);
          if (!("sim".equals(vendor) || "ascend".equals(vendor) || "nvidia".equals(vendor))) {
            return null;
          }
        }
        case CHIPS -> {
          if (value != JsonToken.START_ARRAY) {
            return null;
          }
          int start = (int) p.currentTokenLocation().getByteOffset();
          chips = chips(p);
          if (chips == null) {
            return null;
          }
          int end = (int) p.currentTokenLocation().getByteOffset() + 1;
          if (start < 0 || end <= start || body[start] != '[' || body[end - 1] != ']') {
            return null;
          }
          chipsJson = JobData.jsonb(new String(body, start, end - start, StandardCharsets.UTF_8));
          // The slice is stored as it is: an escaped NUL or lone surrogate in it would fail the
          // batch in PostgreSQL. Agents write UTF-8 without escapes; any escape goes the thorough
          // way, which checks the strings.
          if (chipsJson.contains("\\u")) {
            return null;
          }
        }
        case PROGRESS, CHECKPOINTS -> {
          // Job data takes the thorough path: it is rare, and it is the data that must not be lost.
          if (value != JsonToken.START_ARRAY || p.nextToken() != JsonToken.END_ARRAY) {
            return null;
          }
        }
        case MALFORMED, DROPPED -> {
          if (value != JsonToken.VALUE_NULL) {
            long count = nonNegativeLong(p, value);
            if (count < 0) {
              return null;
            }
            if (field == MALFORMED) {
              malformed = count;
            }
          }
        }
        default -> {
          return null;
        }
      }
    }
    if (token != JsonToken.END_OBJECT || (seen & REQUIRED) != REQUIRED || p.nextToken() != null) {
      return null;
    }
    return new AgentReport(
        node, bootId, seq, vendor, chips, chipsJson, List.of(), List.of(), malformed);
  }

  private static int topLevelField(String name) {
    return switch (name) {
      case "node" -> NODE;
      case "bootId" -> BOOT_ID;
      case "seq" -> SEQ;
      case "sentAt" -> SENT_AT;
      case "vendor" -> VENDOR;
      case "chips" -> CHIPS;
      case "progress" -> PROGRESS;
      case "checkpoints" -> CHECKPOINTS;
      case "malformedLines" -> MALFORMED;
      case "droppedProgress" -> DROPPED;
      default -> 0;
    };
  }

  /** The chips, in strictly ascending index order; the parser left on the array's end. */
  private static List<AgentReport.Chip> chips(JsonParser p) {
    List<AgentReport.Chip> chips = new ArrayList<>(8);
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.START_OBJECT) {
      if (chips.size() == MAX_CHIPS) {
        return null;
      }
      AgentReport.Chip chip = chip(p);
      if (chip == null
          || (!chips.isEmpty() && chips.get(chips.size() - 1).index() >= chip.index())) {
        return null;
      }
      chips.add(chip);
    }
    return token == JsonToken.END_ARRAY ? chips : null;
  }

  // Chip fields, as bits.
  private static final int INDEX = 1;
  private static final int CHIP_ID = 1 << 1;
  private static final int NAME = 1 << 2;
  private static final int HEALTH = 1 << 3;
  private static final int RAW_HEALTH = 1 << 4;
  private static final int BUS_ID = 1 << 5;
  private static final int UUID_FIELD = 1 << 6;
  private static final int POWER = 1 << 7;
  private static final int TEMP = 1 << 8;
  private static final int UTILIZATION = 1 << 9;
  private static final int MEMORY_USED = 1 << 10;
  private static final int MEMORY_TOTAL = 1 << 11;
  private static final int ERROR_CODES = 1 << 12;
  private static final int REASONS = 1 << 13;
  private static final int RAW = 1 << 14;
  private static final int LINKS = 1 << 15;
  private static final int MEMORY_ERRORS = 1 << 16;

  /** The schema's {@code memoryErrors} items. */
  private static final java.util.Set<String> MEMORY_ERROR_STATES =
      java.util.Set.of(
          "uncorrected", "retired-pages-pending", "row-remap-pending", "row-remap-failure");

  private static int chipField(String name) {
    return switch (name) {
      case "index" -> INDEX;
      case "chipId" -> CHIP_ID;
      case "name" -> NAME;
      case "health" -> HEALTH;
      case "rawHealth" -> RAW_HEALTH;
      case "busId" -> BUS_ID;
      case "uuid" -> UUID_FIELD;
      case "powerW" -> POWER;
      case "tempC" -> TEMP;
      case "utilizationPct" -> UTILIZATION;
      case "memoryUsedMb" -> MEMORY_USED;
      case "memoryTotalMb" -> MEMORY_TOTAL;
      case "errorCodes" -> ERROR_CODES;
      case "reasons" -> REASONS;
      case "raw" -> RAW;
      case "links" -> LINKS;
      case "memoryErrors" -> MEMORY_ERRORS;
      default -> 0;
    };
  }

  /** One chip object; the parser on its START_OBJECT, left on its END_OBJECT. */
  private static AgentReport.Chip chip(JsonParser p) {
    int seen = 0;
    int index = -1;
    ChipHealth health = null;
    String rawHealth = null;
    List<String> errorCodes = null;
    List<String> reasons = null;
    List<String> linksDown = HeartbeatLinks.NONE_DOWN;
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.PROPERTY_NAME) {
      int field = chipField(p.currentName());
      if (field == 0 || (seen & field) != 0) {
        return null;
      }
      seen |= field;
      JsonToken value = p.nextToken();
      boolean valid =
          switch (field) {
            case INDEX -> {
              if (value != JsonToken.VALUE_NUMBER_INT
                  || p.getNumberType() != JsonParser.NumberType.INT) {
                yield false;
              }
              index = p.getIntValue();
              yield index >= 0;
            }
            case HEALTH -> {
              health = health(string(p, value));
              yield health != null;
            }
            case RAW_HEALTH -> {
              rawHealth = value == JsonToken.VALUE_NULL ? null : string(p, value);
              yield value == JsonToken.VALUE_NULL || rawHealth != null;
            }
            case NAME, BUS_ID, UUID_FIELD ->
                value == JsonToken.VALUE_NULL || value == JsonToken.VALUE_STRING;
            case CHIP_ID, MEMORY_USED, MEMORY_TOTAL ->
                value == JsonToken.VALUE_NULL || nonNegativeLong(p, value) >= 0;
            case POWER, TEMP -> value == JsonToken.VALUE_NULL || number(p, value);
            case UTILIZATION -> value == JsonToken.VALUE_NULL || nonNegativeNumber(p, value);
            case ERROR_CODES -> {
              if (value == JsonToken.VALUE_NULL) {
                yield true;
              }
              errorCodes = strings(p, value);
              yield errorCodes != null;
            }
            case REASONS -> {
              if (value == JsonToken.VALUE_NULL) {
                yield true;
              }
              reasons = strings(p, value);
              yield reasons != null;
            }
            case RAW -> value == JsonToken.VALUE_NULL || stringValuedObject(p, value);
            case LINKS -> {
              linksDown = HeartbeatLinks.downLinks(p, value);
              yield linksDown != null;
            }
            case MEMORY_ERRORS -> value == JsonToken.VALUE_NULL || memoryErrors(p, value);
            default -> false;
          };
      if (!valid) {
        return null;
      }
    }
    if (token != JsonToken.END_OBJECT || (seen & (INDEX | HEALTH)) != (INDEX | HEALTH)) {
      return null;
    }
    return new AgentReport.Chip(index, health, rawHealth, errorCodes, reasons, linksDown);
  }

  private static ChipHealth health(String word) {
    if (word == null) {
      return null;
    }
    return switch (word) {
      case "OK" -> ChipHealth.OK;
      case "WARNING" -> ChipHealth.WARNING;
      case "FAULT" -> ChipHealth.FAULT;
      case "UNKNOWN" -> ChipHealth.UNKNOWN;
      default -> null;
    };
  }

  private static String string(JsonParser p, JsonToken value) {
    return value == JsonToken.VALUE_STRING ? p.getString() : null;
  }

  /**
   * Whether the string is between min and max long in UTF-16 units. A string has at least as many
   * units as code points (and a non-empty one at least one code point), so it is then within the
   * schema's bounds too; a name with surrogate pairs near the limit goes the thorough way.
   */
  private static boolean withinLength(String s, int min, int max) {
    return s.length() >= min && s.length() <= max;
  }

  /** An integer token that fits a long and is not negative; -1 for anything else. */
  private static long nonNegativeLong(JsonParser p, JsonToken value) {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      return -1;
    }
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      return -1;
    }
    return p.getLongValue();
  }

  /**
   * A number the schema's {@code number} type surely accepts: an integer that fits a long, or a
   * plain decimal (no exponent, not long enough to lose its sign or magnitude in a double).
   */
  private static boolean number(JsonParser p, JsonToken value) {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = p.getNumberType();
      return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }
    if (value != JsonToken.VALUE_NUMBER_FLOAT) {
      return false;
    }
    String text = p.getString();
    return text.length() <= 24 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
  }

  private static boolean nonNegativeNumber(JsonParser p, JsonToken value) {
    if (!number(p, value)) {
      return false;
    }
    return value == JsonToken.VALUE_NUMBER_INT
        ? p.getLongValue() >= 0
        : p.getString().charAt(0) != '-';
  }

  /** An array of strings; null for anything else. */
  private static List<String> strings(JsonParser p, JsonToken value) {
    if (value != JsonToken.START_ARRAY) {
      return null;
    }
    List<String> strings = new ArrayList<>(2);
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.VALUE_STRING) {
      strings.add(p.getString());
    }
    return token == JsonToken.END_ARRAY ? strings : null;
  }

  /**
   * The schema's {@code memoryErrors}: at most four distinct known states (the fault responder
   * reads them from the stored chips).
   */
  private static boolean memoryErrors(JsonParser p, JsonToken value) {
    List<String> states = strings(p, value);
    return states != null
        && states.size() <= MEMORY_ERROR_STATES.size()
        && MEMORY_ERROR_STATES.containsAll(states)
        && new java.util.HashSet<>(states).size() == states.size();
  }

  /** An object whose every value is a string. */
  private static boolean stringValuedObject(JsonParser p, JsonToken value) {
    if (value != JsonToken.START_OBJECT) {
      return false;
    }
    JsonToken token;
    while ((token = p.nextToken()) == JsonToken.PROPERTY_NAME) {
      if (p.nextToken() != JsonToken.VALUE_STRING) {
        return false;
      }
    }
    return token == JsonToken.END_OBJECT;
  }
}
