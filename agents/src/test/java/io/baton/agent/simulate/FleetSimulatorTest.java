package io.baton.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.baton.agent.LoopbackOrchestrator;
import io.baton.agent.LoopbackOrchestrator.Received;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fleet against real servers on 127.0.0.1, through both transports. */
class FleetSimulatorTest {

  private final LoopbackOrchestrator server = LoopbackOrchestrator.start();

  /**
   * The first answers of a fresh JVM take a few hundred milliseconds (class loading and JIT, here
   * on both ends), which would show as skipped ticks in short tests.
   */
  @BeforeEach
  void warmUp() throws InterruptedException {
    simulator(config(server.uri(), 20, "10ms", "300ms", 8), false).run();
    server.clear();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @ParameterizedTest(name = "blocking transport: {0}")
  @ValueSource(booleans = {false, true})
  void againstAFastServerTheFleetOffersExactlyNodesPerIntervalAndSkipsNothing(boolean blocking)
      throws InterruptedException {
    // 500 nodes every 500 ms for 2 s: 1,000 reports a second, 2,000 in all, 4 per node.
    FleetSummary summary = simulator(config(server.uri(), 500, "500ms", "2s", 256), blocking).run();

    assertThat(summary.reportsSkipped()).isZero();
    assertThat(summary.reportsSent()).isEqualTo(2000);
    assertThat(summary.reportsOk()).isEqualTo(2000);
    assertThat(summary.reportsFailed()).isZero();
    assertThat(summary.elapsedSec()).isEqualTo(2.0);
    assertThat(summary.reportsPerSec()).isEqualTo(1000.0);
    assertThat(summary.maxMs()).isLessThan(500.0);
    Map<String, List<Received>> byNode =
        server.accepted().stream().collect(Collectors.groupingBy(Received::node));
    assertThat(byNode).hasSize(500);
    byNode.forEach(
        (node, reports) ->
            assertThat(reports)
                .extracting(Received::seq)
                .as(node)
                .containsExactlyElementsOf(LongStream.range(0, 4).boxed().toList()));
  }

  @Test
  void aSlowServerMakesNodesSkipTicksAndTheLatencyShowsWhy() throws InterruptedException {
    server.delay(Duration.ofMillis(300));

    // 4 nodes every 200 ms for 1.2 s: 24 ticks. An answer takes 300 ms, so a node's next tick
    // finds its report unanswered, and the one after finds it answered: every other tick is
    // skipped.
    FleetSummary summary = simulator(config(server.uri(), 4, "200ms", "1200ms", 64), false).run();

    assertThat(summary.reportsSent() + summary.reportsSkipped()).isEqualTo(24);
    assertThat(summary.reportsSkipped()).isBetween(10L, 14L);
    assertThat(summary.reportsFailed()).isZero();
    assertThat(summary.p50Ms()).isGreaterThanOrEqualTo(300.0);
    assertThat(summary.maxMs()).isGreaterThan(summary.intervalMs());
  }

  @Test
  void waitingForAFreeConnectionCountsInTheLatency() throws InterruptedException {
    server.delay(Duration.ofMillis(50));

    // One connection at 50 ms an answer carries 20 reports a second; 10 nodes every 100 ms offer
    // 100. Reports queue in the simulator, and their latency, from when they were due, shows it.
    FleetSummary summary = simulator(config(server.uri(), 10, "100ms", "1s", 1), false).run();

    assertThat(summary.reportsSent() + summary.reportsSkipped()).isEqualTo(100);
    assertThat(summary.reportsSkipped()).isPositive();
    assertThat(summary.reportsFailed()).isZero();
    assertThat(summary.p50Ms()).isGreaterThan(150.0);
    assertThat(summary.maxMs()).isGreaterThan(summary.intervalMs());
  }

  @Test
  void stoppedEarlyTheRateCoversTheTimeTicked() throws InterruptedException {
    FleetSimulator simulator = simulator(config(server.uri(), 20, "100ms", null, 64), false);
    AtomicReference<FleetSummary> summary = new AtomicReference<>();
    Thread running =
        new Thread(
            () -> {
              try {
                summary.set(simulator.run());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    running.start();
    Thread.sleep(1_000);
    simulator.stop();
    running.join(5_000);

    assertThat(summary.get().elapsedSec()).as(summary.get().json()).isBetween(0.95, 1.5);
    assertThat(summary.get().reportsPerSec())
        .as(summary.get().json())
        .isCloseTo(200.0, withinPercentage(5));
    assertThat(summary.get().reportsSkipped()).isZero();
  }

  @ParameterizedTest(name = "blocking transport: {0}")
  @ValueSource(booleans = {false, true})
  void anUnreachableOrchestratorFailsEveryReport(boolean blocking) throws InterruptedException {
    server.stop();

    FleetSummary summary = simulator(config(server.uri(), 3, "100ms", "300ms", 64), blocking).run();

    assertThat(summary.reportsOk()).isZero();
    assertThat(summary.reportsFailed()).isEqualTo(summary.reportsSent()).isEqualTo(9);
    assertThat(summary.failures()).containsOnlyKeys("ConnectException");
  }

  @Test
  void dueTimesSpreadTheFleetEvenlyOverTheInterval() {
    assertThat(LongStream.range(0, 9).map(t -> FleetSimulator.dueAt(t, 4, 1000)).toArray())
        .containsExactly(0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000);
    long year = Duration.ofDays(365).toNanos();
    assertThat(FleetSimulator.dueAt(199_999, 100_000, year))
        .isCloseTo(year + year / 100_000 * 99_999, withinPercentage(0.0001));
  }

  static FleetSimulator.Config config(
      URI orchestrator, int nodes, String interval, String duration, int maxInFlight) {
    return new FleetSimulator.Config(
        orchestrator,
        nodes,
        8,
        io.baton.agent.Durations.parse(interval),
        duration == null ? null : io.baton.agent.Durations.parse(duration),
        List.of(),
        node -> "token-" + node,
        "sim-",
        Duration.ofSeconds(5),
        maxInFlight);
  }

  static FleetSimulator simulator(FleetSimulator.Config config, boolean blocking) {
    return new FleetSimulator(config, Clock.systemUTC(), blocking, null);
  }
}
