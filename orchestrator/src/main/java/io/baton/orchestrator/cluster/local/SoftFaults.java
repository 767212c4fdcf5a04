package io.baton.orchestrator.cluster.local;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The soft faults injected into simulated chips: SLOW (with its factor), HANG and LINK_DOWN, which
 * the chips' health does not show. Ranks learn theirs from a file per node in the format the demo
 * trainer reads ({@code <chip> SLOW <factor>}, {@code <chip> HANG}, {@code <chip> LINK_DOWN}, one a
 * line); LINK_DOWN is for the simulated agent to report as the chip's link state. Thread-safe.
 */
final class SoftFaults {

  /** A soft fault of a chip. */
  enum Kind {
    SLOW,
    HANG,
    LINK_DOWN
  }

  /** node → chip → kind → factor (1 for the kinds without one). */
  private final Map<String, TreeMap<Integer, EnumMap<Kind, Double>>> byNode = new HashMap<>();

  synchronized void set(String node, int chip, Kind kind, double factor) {
    byNode
        .computeIfAbsent(node, n -> new TreeMap<>())
        .computeIfAbsent(chip, c -> new EnumMap<>(Kind.class))
        .put(kind, factor);
  }

  /** Clears one chip's soft faults, or (chip null) every chip's of the node. */
  synchronized void clear(String node, Integer chip) {
    TreeMap<Integer, EnumMap<Kind, Double>> chips = byNode.get(node);
    if (chips == null) {
      return;
    }
    if (chip == null) {
      chips.clear();
    } else {
      chips.remove(chip);
    }
  }

  /** Chips of the node whose link is DOWN. */
  synchronized Set<Integer> linksDown(String node) {
    Set<Integer> down = new TreeSet<>();
    byNode
        .getOrDefault(node, new TreeMap<>())
        .forEach(
            (chip, kinds) -> {
              if (kinds.containsKey(Kind.LINK_DOWN)) {
                down.add(chip);
              }
            });
    return down;
  }

  /** The node's file: one line per chip and kind, by chip; empty when it has none. */
  synchronized String render(String node) {
    StringBuilder text = new StringBuilder();
    byNode
        .getOrDefault(node, new TreeMap<>())
        .forEach(
            (chip, kinds) ->
                kinds.forEach(
                    (kind, factor) -> {
                      text.append(chip).append(' ').append(kind.name());
                      if (kind == Kind.SLOW) {
                        text.append(' ').append(factor);
                      }
                      text.append('\n');
                    }));
    return text.toString();
  }
}
