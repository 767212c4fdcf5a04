package io.baton.agent.collect.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimCollectorTest {

  @Test
  void scriptedHealthFromASpec() throws ParseException {
    SimCollector sim = new SimCollector(8, SimHealthSpec.parse("3=FAULT:E001,5=WARNING"));

    List<Chip> chips = sim.collect().chips();

    assertThat(chips).hasSize(8).extracting(Chip::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(chips.get(3).health()).isEqualTo(Health.FAULT);
    assertThat(chips.get(3).errorCodes()).containsExactly("E001");
    assertThat(chips.get(5).health()).isEqualTo(Health.WARNING);
    assertThat(chips.get(5).errorCodes()).isEmpty();
    assertThat(chips).filteredOn(c -> c.health() == Health.OK).hasSize(6);
  }

  @Test
  void severalCodes() throws ParseException {
    assertThat(SimHealthSpec.parse(" 0 = fault:E1:E2 "))
        .containsEntry(0, new ChipState(Health.FAULT, List.of("E1", "E2")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "3|expected CHIP=HEALTH",
        "x=FAULT|chip must be a number",
        "-1=FAULT|chip must not be negative",
        "3=BROKEN|health must be one of OK, WARNING, FAULT, UNKNOWN"
      })
  void badSpecsAreTypedErrors(String spec, String message) {
    assertThatThrownBy(() -> SimHealthSpec.parse(spec))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aSpecNamingAChipTheNodeLacksIsRejected() throws ParseException {
    var states = SimHealthSpec.parse("8=FAULT");

    assertThatThrownBy(() -> new SimCollector(8, states))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no simulated chip 8 on a node with 8 chips");
  }

  @Test
  void healthChangesAtRuntimeFromManyThreads() throws Exception {
    SimCollector sim = new SimCollector(16, Map.of());
    long before = sim.version();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    for (int chip = 0; chip < 16; chip++) {
      int c = chip;
      writers.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < 200; i++) {
                  sim.set(
                      c, i % 2 == 0 ? new ChipState(Health.FAULT, List.of("E" + i)) : ChipState.OK);
                  ChipSnapshot seen = sim.collect();
                  assertThat(seen.chips()).hasSize(16);
                }
                sim.set(c, new ChipState(Health.WARNING, List.of()));
                return null;
              }));
    }
    go.countDown();
    for (Future<?> writer : writers) {
      writer.get();
    }
    pool.shutdown();

    assertThat(sim.collect().chips()).extracting(Chip::health).containsOnly(Health.WARNING);
    assertThat(sim.version()).isEqualTo(before + 16 * 201);
  }

  @Test
  void simulatedChipsReportTheirLinkUpUntilItIsSetDown() {
    SimCollector sim = new SimCollector(4, Map.of());
    long before = sim.version();

    assertThat(sim.collect().chips())
        .allSatisfy(c -> assertThat(c.links()).containsExactly(new Link("sim-link", LinkState.UP)));

    sim.setLink(2, LinkState.DOWN);

    assertThat(sim.version()).isEqualTo(before + 1);
    assertThat(sim.linkState(2)).isEqualTo(LinkState.DOWN);
    assertThat(sim.collect().chips())
        .filteredOn(Chip::hasLinkDown)
        .extracting(Chip::index)
        .containsExactly(2);
    assertThat(sim.collect().chips().get(2).health()).isEqualTo(Health.OK);

    sim.set(2, new ChipState(Health.FAULT, List.of("E1")));
    sim.setLink(2, LinkState.UP);

    assertThat(sim.collect().chips().get(2).links())
        .containsExactly(new Link("sim-link", LinkState.UP));
    assertThat(sim.collect().chips().get(2).health()).isEqualTo(Health.FAULT);
  }

  @Test
  void linkStatesFromASpecAndBadOnes() throws ParseException {
    assertThat(SimHealthSpec.links(" 3 = down, 5=UNKNOWN"))
        .containsExactly(Map.entry(3, LinkState.DOWN), Map.entry(5, LinkState.UNKNOWN));
    assertThatThrownBy(() -> SimHealthSpec.links("3=FLAPPING"))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("link state must be one of UP, DOWN, UNKNOWN");
    assertThatThrownBy(() -> new SimCollector(2, Map.of()).setLink(2, LinkState.DOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no simulated chip 2 on a node with 2 chips");
  }

  @Test
  void atMost64Chips() {
    assertThatThrownBy(() -> new SimCollector(65, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
