package io.baton.agent.collect;

import java.util.List;
import java.util.Objects;

/** The chips of one node, as one collection saw them. */
public record ChipSnapshot(Vendor vendor, List<Chip> chips) {

  /** The report schema's bound; no node carries more accelerators. */
  public static final int MAX_CHIPS = 64;

  public ChipSnapshot {
    Objects.requireNonNull(vendor, "vendor");
    chips = List.copyOf(chips);
    if (chips.size() > MAX_CHIPS) {
      throw new IllegalArgumentException(
          "a node reports at most " + MAX_CHIPS + " chips, got " + chips.size());
    }
  }

  /**
   * What the orchestrator should see when a collection fails: the chips known from the last good
   * collection, each UNKNOWN with the failure as its reason, and their links UNKNOWN too (a link
   * read before the failure is not known to be up now).
   */
  public ChipSnapshot unknownBecause(String reason) {
    return new ChipSnapshot(
        vendor,
        chips.stream()
            .map(
                c ->
                    c.withHealth(Health.UNKNOWN, c.errorCodes(), List.of(reason))
                        .withLinks(
                            c.links().stream()
                                .map(l -> new Link(l.name(), LinkState.UNKNOWN))
                                .toList()))
            .toList());
  }
}
