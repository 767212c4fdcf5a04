package io.baton.agent.simulate;

import io.baton.agent.Durations;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.sim.SimHealthSpec;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Faults to inject into a simulated fleet: {@code NODE/CHIP=HEALTH[:CODE...][@DELAY]}, comma
 * separated, where NODE is a node's number (from 0) or its name. {@code 3/5=FAULT:E001@10s} turns
 * chip 5 of the fourth node FAULT with code E001 ten seconds into the run; {@code
 * sim-0007/0=OK@30s} heals a chip.
 */
public final class FaultSpec {

  /**
   * One scheduled health change.
   *
   * @param node a node name, or null when {@code nodeIndex} names the node
   * @param nodeIndex the node's number, or -1 when {@code node} names it
   */
  public record Fault(String node, int nodeIndex, int chip, ChipState state, Duration after) {}

  private FaultSpec() {}

  public static List<Fault> parse(String spec) throws ParseException {
    List<Fault> faults = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return faults;
    }
    for (String entry : spec.split(",")) {
      faults.add(fault(entry.strip()));
    }
    return faults;
  }

  private static Fault fault(String item) throws ParseException {
    int slash = item.indexOf('/');
    int eq = item.indexOf('=');
    if (slash <= 0 || eq < slash + 2) {
      throw invalid(item, "expected NODE/CHIP=HEALTH[:CODE...][@DELAY]");
    }
    String node = item.substring(0, slash).strip();
    int chip = number(item, item.substring(slash + 1, eq), "chip");
    String rest = item.substring(eq + 1);
    Duration after = Duration.ZERO;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        after = Durations.parse(rest.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw invalid(item, e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    ChipState state = SimHealthSpec.state("fault '" + item + "'", rest);
    return node.chars().allMatch(Character::isDigit)
        ? new Fault(null, number(item, node, "node"), chip, state, after)
        : new Fault(node, -1, chip, state, after);
  }

  private static int number(String item, String text, String what) throws ParseException {
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw invalid(item, what + " must be a number >= 0");
  }

  private static ParseException invalid(String item, String why) {
    return new ParseException("fault '" + item + "': " + why);
  }
}
