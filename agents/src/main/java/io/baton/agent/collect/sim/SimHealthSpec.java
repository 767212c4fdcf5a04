package io.baton.agent.collect.sim;

import io.baton.agent.collect.Health;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.ParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scripted health per simulated chip: {@code 3=FAULT:E001,5=WARNING} makes chip 3 FAULT with
 * error code E001 and chip 5 WARNING; chips not named are OK. Several codes: {@code 3=FAULT:E1:E2}.
 */
public final class SimHealthSpec {

  /** The health a simulated chip reports. */
  public record ChipState(Health health, List<String> errorCodes) {
    public static final ChipState OK = new ChipState(Health.OK, List.of());

    public ChipState {
      errorCodes = List.copyOf(errorCodes);
    }
  }

  private SimHealthSpec() {}

  public static Map<Integer, ChipState> parse(String spec) throws ParseException {
    Map<Integer, ChipState> states = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return states;
    }
    for (String entry : spec.split(",")) {
      String item = entry.strip();
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw invalid(item, "expected CHIP=HEALTH[:CODE...]");
      }
      int chip;
      try {
        chip = Integer.parseInt(item.substring(0, eq).strip());
      } catch (NumberFormatException e) {
        throw invalid(item, "chip must be a number");
      }
      if (chip < 0) {
        throw invalid(item, "chip must not be negative");
      }
      states.put(chip, state(item, item.substring(eq + 1)));
    }
    return states;
  }

  /** {@code FAULT:E001:E002} → FAULT with two codes. */
  public static ChipState state(String context, String value) throws ParseException {
    String[] parts = value.strip().split(":");
    Health health;
    try {
      health = Health.valueOf(parts[0].strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(context, "health must be one of OK, WARNING, FAULT, UNKNOWN");
    }
    List<String> codes =
        Arrays.stream(parts).skip(1).map(String::strip).filter(s -> !s.isEmpty()).toList();
    return new ChipState(health, codes);
  }

  /**
   * Scripted link states: {@code 3=DOWN,5=UNKNOWN} puts chip 3's link DOWN and chip 5's UNKNOWN;
   * chips not named keep theirs UP.
   */
  public static Map<Integer, LinkState> links(String spec) throws ParseException {
    Map<Integer, LinkState> states = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return states;
    }
    for (String entry : spec.split(",")) {
      String item = entry.strip();
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw invalid(item, "expected CHIP=UP|DOWN|UNKNOWN");
      }
      int chip;
      try {
        chip = Integer.parseInt(item.substring(0, eq).strip());
      } catch (NumberFormatException e) {
        throw invalid(item, "chip must be a number");
      }
      if (chip < 0) {
        throw invalid(item, "chip must not be negative");
      }
      try {
        states.put(
            chip, LinkState.valueOf(item.substring(eq + 1).strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw invalid(item, "link state must be one of UP, DOWN, UNKNOWN");
      }
    }
    return states;
  }

  private static ParseException invalid(String item, String why) {
    return new ParseException("sim health spec '" + item + "': " + why);
  }
}
