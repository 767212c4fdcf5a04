package io.baton.agent.collect.sim;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Collector;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.Vendor;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulated chips with scripted health, for the local backend, tests and load. Health can change at
 * any time from any thread; a collection always sees one consistent state.
 *
 * <p>Every simulated chip has one link, {@value #LINK}, UP unless {@link #setLink} says otherwise:
 * the hook a simulated LINK_DOWN fault flips.
 */
public final class SimCollector implements Collector {

  private final int chipCount;

  /** The name of a simulated chip's one link. */
  public static final String LINK = "sim-link";

  private final Map<Integer, ChipState> states = new HashMap<>();
  private final Map<Integer, LinkState> links = new HashMap<>();
  private volatile ChipSnapshot snapshot;
  private volatile long version;

  public SimCollector(int chipCount, Map<Integer, ChipState> initial) {
    if (chipCount < 0 || chipCount > ChipSnapshot.MAX_CHIPS) {
      throw new IllegalArgumentException(
          "a simulated node has 0 to " + ChipSnapshot.MAX_CHIPS + " chips, not " + chipCount);
    }
    this.chipCount = chipCount;
    initial.forEach(this::check);
    states.putAll(initial);
    this.snapshot = render();
  }

  @Override
  public Vendor vendor() {
    return Vendor.SIM;
  }

  @Override
  public ChipSnapshot collect() {
    return snapshot;
  }

  public int chipCount() {
    return chipCount;
  }

  /** Grows by one with every change, so callers can cache what they derive from a snapshot. */
  public long version() {
    return version;
  }

  public synchronized void set(int chip, ChipState state) {
    check(chip, state);
    states.put(chip, state);
    snapshot = render();
    version++;
  }

  public synchronized void setAll(Map<Integer, ChipState> changes) {
    changes.forEach(this::check);
    states.putAll(changes);
    snapshot = render();
    version++;
  }

  /** Sets the state of the chip's link ({@link LinkState#UP} restores it). */
  public synchronized void setLink(int chip, LinkState state) {
    if (chip < 0 || chip >= chipCount) {
      throw new IllegalArgumentException(
          "no simulated chip " + chip + " on a node with " + chipCount + " chips");
    }
    if (state == null) {
      throw new IllegalArgumentException("no link state for chip " + chip);
    }
    links.put(chip, state);
    snapshot = render();
    version++;
  }

  /** The state of the chip's link. */
  public synchronized LinkState linkState(int chip) {
    return links.getOrDefault(chip, LinkState.UP);
  }

  private void check(int chip, ChipState state) {
    if (chip < 0 || chip >= chipCount) {
      throw new IllegalArgumentException(
          "no simulated chip " + chip + " on a node with " + chipCount + " chips");
    }
    if (state == null) {
      throw new IllegalArgumentException("no state for chip " + chip);
    }
  }

  private ChipSnapshot render() {
    List<Chip> chips = new ArrayList<>(chipCount);
    for (int i = 0; i < chipCount; i++) {
      ChipState state = states.getOrDefault(i, ChipState.OK);
      chips.add(
          new Chip(
              i,
              0,
              "sim",
              state.health(),
              state.health().name(),
              String.format("0000:%02X:00.0", i + 1),
              null,
              90.0,
              35,
              0,
              0L,
              65536L,
              state.errorCodes(),
              state.health() == Health.OK ? List.of() : List.of("simulated " + state.health()),
              Map.of(),
              List.of(new Link(LINK, links.getOrDefault(i, LinkState.UP)))));
    }
    return new ChipSnapshot(Vendor.SIM, chips);
  }
}
