package io.baton.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Soft faults injected into the chips of a simulated node (simulation only, not part of the launch
 * contract): Baton's local backend passes {@code BATON_SIM_FAULTS}, a small text file it rewrites
 * whenever a fault is injected or cleared, and the trainer reads it at every step. One line per
 * chip condition, {@code <chip> SLOW <factor>}, {@code <chip> HANG} or {@code <chip> LINK_DOWN};
 * blank lines, {@code #} comments and lines it does not understand are ignored. A missing file
 * means no fault.
 *
 * <p>The rank's chips are its {@code ASCEND_RT_VISIBLE_DEVICES}: a HANG on any of them stops its
 * steps, a SLOW one stretches its compute by the largest factor. LINK_DOWN is the sim collector's
 * business; the trainer ignores it.
 */
final class SimulatedFaults {

  /** No file, no chips: never a fault. */
  static final SimulatedFaults NONE = new SimulatedFaults(null, Set.of());

  /**
   * What the rank's chips suffer now.
   *
   * @param hungChips chips with a HANG, in order; empty when none
   * @param slowFactor how many times slower the rank computes; 1 when not slowed
   */
  record Condition(List<Integer> hungChips, double slowFactor) {
    static final Condition HEALTHY = new Condition(List.of(), 1);

    boolean hung() {
      return !hungChips.isEmpty();
    }
  }

  private final Path file;
  private final Set<Integer> chips;

  SimulatedFaults(Path file, Set<Integer> chips) {
    this.file = file;
    this.chips = Set.copyOf(chips);
  }

  /** Reads the file now; a file that is missing or cannot be read is no fault. */
  Condition current() {
    if (file == null || !Files.isRegularFile(file)) {
      return Condition.HEALTHY;
    }
    try {
      return parse(Files.readAllLines(file), chips);
    } catch (IOException e) {
      return Condition.HEALTHY;
    }
  }

  /** The condition of {@code chips} under these lines. */
  static Condition parse(List<String> lines, Set<Integer> chips) {
    TreeSet<Integer> hung = new TreeSet<>();
    double factor = 1;
    for (String raw : lines) {
      String[] fields = raw.strip().split("\\s+");
      if (fields.length < 2 || fields[0].startsWith("#")) {
        continue;
      }
      int chip;
      try {
        chip = Integer.parseInt(fields[0]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (!chips.contains(chip)) {
        continue;
      }
      if (fields[1].equals("HANG")) {
        hung.add(chip);
      } else if (fields[1].equals("SLOW") && fields.length > 2) {
        try {
          double slow = Double.parseDouble(fields[2]);
          if (Double.isFinite(slow) && slow > factor) {
            factor = slow;
          }
        } catch (NumberFormatException e) {
          // not a factor: ignored like any line the trainer does not understand
        }
      }
    }
    return new Condition(List.copyOf(hung), factor);
  }
}
