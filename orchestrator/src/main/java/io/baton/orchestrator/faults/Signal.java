package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Something agents or Baton observe about a chip or a node, in one vocabulary for both vendors. Its
 * {@link #key()} is what the fault policy table matches: {@code ascend:80E18005}, {@code
 * ascend-health:alarm}, {@code xid:79}, {@code ecc:row-remap-failure}, {@code link:DOWN}, {@code
 * node:LOST}, {@code hang}, {@code straggler}.
 *
 * @param kind what was observed
 * @param value the code, word or state; empty for {@code hang} and {@code straggler}
 */
@Decision
public record Signal(Kind kind, String value) {

  /** Kinds of observation and the form of their values. */
  public enum Kind {
    /** An Ascend error code (hexadecimal, as npu-smi prints it): {@code ascend:80E18005}. */
    ASCEND("ascend", Pattern.compile("[0-9A-F]{1,16}")),
    /** The health word npu-smi printed, lower case: {@code ascend-health:alarm}. */
    ASCEND_HEALTH("ascend-health", Pattern.compile("[a-z][a-z0-9_-]*")),
    /** An Nvidia Xid: {@code xid:79}. */
    XID("xid", Pattern.compile("[0-9]{1,9}")),
    /**
     * An Nvidia memory error state: {@code ecc:uncorrected}, {@code ecc:retired-pages-pending},
     * {@code ecc:row-remap-pending}, {@code ecc:row-remap-failure}.
     */
    ECC("ecc", Pattern.compile("[a-z][a-z0-9-]*")),
    /** The state of a chip's link (RoCE, HCCS, NVLink), upper case: {@code link:DOWN}. */
    LINK("link", Pattern.compile("[A-Z][A-Z0-9_]*")),
    /** The state of a whole node as Baton sees it, upper case: {@code node:LOST}. Node-wide. */
    NODE("node", Pattern.compile("[A-Z][A-Z0-9_]*")),
    /** Baton found the job's ranks hung; observed on each node of the job. Node-wide. */
    HANG("hang", null),
    /** Baton found a rank on the chip slower than its gang. */
    STRAGGLER("straggler", null);

    private final String prefix;
    private final Pattern value;

    Kind(String prefix, Pattern value) {
      this.prefix = prefix;
      this.value = value;
    }

    public String prefix() {
      return prefix;
    }

    /**
     * Whether signals of this kind concern a whole node ({@code node:LOST}, {@code hang}): their
     * occurrences are counted per node, and {@code isolate-chip} takes the node out.
     */
    public boolean nodeWide() {
      return this == NODE || this == HANG;
    }

    /** Whether signals of this kind carry a value. */
    public boolean hasValue() {
      return value != null;
    }

    /** The kind written {@code prefix}; null for none. */
    static Kind ofPrefix(String prefix) {
      for (Kind kind : values()) {
        if (kind.prefix.equals(prefix)) {
          return kind;
        }
      }
      return null;
    }

    String canonical(String raw) {
      String trimmed = raw.trim();
      return switch (this) {
        case ASCEND -> AscendFaultCodes.canonical(trimmed);
        case ASCEND_HEALTH, ECC -> trimmed.toLowerCase(Locale.ROOT);
        case LINK, NODE -> trimmed.toUpperCase(Locale.ROOT);
        case XID -> trimmed.replaceFirst("^0+(?=[0-9])", "");
        case HANG, STRAGGLER -> "";
      };
    }
  }

  public Signal {
    if (kind == null) {
      throw new IllegalArgumentException("a signal needs a kind");
    }
    if (kind.hasValue()) {
      value = kind.canonical(value == null ? "" : value);
      if (!kind.value.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "'" + value + "' is no " + kind.prefix + " value (" + kind.value.pattern() + ")");
      }
    } else {
      value = "";
    }
  }

  public static Signal ascend(String code) {
    return new Signal(Kind.ASCEND, code);
  }

  public static Signal ascendHealth(String word) {
    return new Signal(Kind.ASCEND_HEALTH, word);
  }

  public static Signal xid(int xid) {
    return new Signal(Kind.XID, Integer.toString(xid));
  }

  public static Signal ecc(String state) {
    return new Signal(Kind.ECC, state);
  }

  public static Signal link(String state) {
    return new Signal(Kind.LINK, state);
  }

  public static Signal node(String state) {
    return new Signal(Kind.NODE, state);
  }

  public static Signal hang() {
    return new Signal(Kind.HANG, "");
  }

  public static Signal straggler() {
    return new Signal(Kind.STRAGGLER, "");
  }

  /**
   * A chip's error code as agents report it: {@code XID 79} (Nvidia) or an Ascend code ({@code
   * 80E18005}, {@code 0x80E18005}).
   */
  public static Signal ofErrorCode(String code) {
    String trimmed = code.trim();
    if (trimmed.regionMatches(true, 0, "XID", 0, 3)) {
      return new Signal(Kind.XID, trimmed.substring(3).trim());
    }
    return ascend(trimmed);
  }

  /** Parses a {@link #key()}; the kind's case does not matter. */
  public static Signal parse(String key) {
    String trimmed = key.trim();
    int colon = trimmed.indexOf(':');
    Kind kind =
        Kind.ofPrefix((colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT));
    if (kind == null || kind.hasValue() != (colon >= 0)) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' is no signal; write ascend:<code>, ascend-health:<word>, xid:<n>, ecc:<state>,"
              + " link:<state>, node:<state>, hang or straggler");
    }
    return new Signal(kind, colon < 0 ? "" : trimmed.substring(colon + 1));
  }

  /** The signal as the policy table writes it. */
  public String key() {
    return kind.hasValue() ? kind.prefix + ":" + value : kind.prefix;
  }

  @Override
  public String toString() {
    return key();
  }
}
