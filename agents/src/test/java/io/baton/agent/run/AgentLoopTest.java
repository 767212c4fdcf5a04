package io.baton.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.Fixtures;
import io.baton.agent.LoopbackOrchestrator;
import io.baton.agent.LoopbackOrchestrator.Received;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.Collector;
import io.baton.agent.collect.CommandException;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.Vendor;
import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import io.baton.agent.progress.ProgressTailer;
import io.baton.agent.report.Backoff;
import io.baton.agent.report.HttpReportSender;
import io.baton.agent.report.ReportBuffer;
import io.baton.agent.report.Reporter;
import io.baton.agent.report.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The whole agent in this JVM: sim chips, real progress files, a real HTTP orchestrator. */
class AgentLoopTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path progressDir;
  private final LoopbackOrchestrator server = LoopbackOrchestrator.start();
  private AgentLoop loop;
  private Thread thread;

  @AfterEach
  void stopAll() throws InterruptedException {
    if (loop != null) {
      loop.stop();
      assertThat(loop.awaitStopped(WAIT)).isTrue();
    }
    server.close();
  }

  @Test
  void reportsChipsProgressCheckpointsAndHealthChanges() throws Exception {
    SimCollector chips = new SimCollector(4, Map.of());
    start(chips);

    append("job-1/rank-0.jsonl", "{\"type\":\"progress\",\"step\":3,\"loss\":0.9}\n");
    server.awaitAccepted(r -> has(r, "progress", 3), WAIT);
    append(
        "job-1/rank-0.jsonl",
        "{\"type\":\"checkpoint\",\"step\":100,\"path\":\"step-100\",\"sha256\":\"ab\",\"sizeBytes\":5}\n");
    server.awaitAccepted(r -> has(r, "checkpoints", 100), WAIT);
    chips.set(2, new ChipState(Health.FAULT, List.of("E007")));
    Received fault =
        server.awaitAccepted(r -> "FAULT".equals(r.body().at("/chips/2/health").asString()), WAIT);

    assertThat(fault.body().at("/chips/2/errorCodes/0").asString()).isEqualTo("E007");
    List<Received> accepted = server.accepted();
    assertThat(accepted)
        .extracting(Received::seq)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.range(0, accepted.size()).boxed().toList());
    assertThat(accepted).allSatisfy(r -> assertThat(Fixtures.reportViolations(r.body())).isEmpty());
  }

  @Test
  void aFailingCollectorReportsTheLastKnownChipsUnknownAndKeepsGoing() throws Exception {
    AtomicBoolean broken = new AtomicBoolean();
    SimCollector sim = new SimCollector(2, Map.of());
    Collector flaky =
        new Collector() {
          @Override
          public Vendor vendor() {
            return Vendor.SIM;
          }

          @Override
          public ChipSnapshot collect() throws CollectException {
            if (broken.get()) {
              throw new CommandException("npu-smi: timed out after 10000 ms", null);
            }
            return sim.collect();
          }
        };
    start(flaky);
    server.awaitAccepted(r -> "OK".equals(r.body().at("/chips/0/health").asString()), WAIT);

    broken.set(true);
    Received unknown =
        server.awaitAccepted(
            r -> "UNKNOWN".equals(r.body().at("/chips/0/health").asString()), WAIT);
    assertThat(unknown.body().get("chips")).hasSize(2);
    assertThat(unknown.body().at("/chips/1/reasons/0").asString())
        .isEqualTo("collection failed: npu-smi: timed out after 10000 ms");
    assertThat(unknown.body().at("/chips/1/links").toString())
        .isEqualTo("[{\"name\":\"sim-link\",\"state\":\"UNKNOWN\"}]");

    broken.set(false);
    long after = unknown.seq();
    server.awaitAccepted(
        r -> r.seq() > after && "OK".equals(r.body().at("/chips/0/health").asString()), WAIT);
  }

  @Test
  void checkpointsWrittenWhileTheOrchestratorIsDownArriveLater() throws Exception {
    server.stop();
    start(new SimCollector(1, Map.of()));
    for (int step = 1; step <= 3; step++) {
      append(
          "job-2/0/rank-1.jsonl",
          "{\"type\":\"checkpoint\",\"step\":" + step + ",\"path\":\"s" + step + "\"}\n");
    }

    server.restart();

    server.awaitAccepted(r -> has(r, "checkpoints", 3), WAIT);
    List<Long> delivered =
        server.accepted().stream()
            .flatMap(r -> r.body().get("checkpoints").valueStream())
            .map(c -> c.get("step").asLong())
            .toList();
    assertThat(delivered).containsExactly(1L, 2L, 3L);
  }

  @Test
  void stoppingFlushesOnceMore() throws Exception {
    SimCollector chips = new SimCollector(1, Map.of());
    loop = newLoop(chips, Duration.ofMinutes(10));
    thread = new Thread(loop::run);
    thread.start();
    server.awaitAccepted(r -> r.seq() == 0, WAIT);
    append("job-3/rank-0.jsonl", "{\"type\":\"checkpoint\",\"step\":9,\"path\":\"s9\"}\n");

    loop.stop();

    assertThat(loop.awaitStopped(WAIT)).isTrue();
    Received last = server.awaitAccepted(r -> r.seq() == 1, WAIT);
    assertThat(last.body().at("/checkpoints/0/step").asLong()).isEqualTo(9);
  }

  private void start(Collector collector) {
    loop = newLoop(collector, Duration.ofMillis(50));
    thread = new Thread(loop::run, "agent-loop-under-test");
    thread.start();
  }

  private AgentLoop newLoop(Collector collector, Duration interval) {
    Clock clock = Clock.systemUTC();
    Reporter reporter =
        new Reporter(
            "node-7",
            UUID.randomUUID(),
            new HttpReportSender(
                HttpReportSender.defaultClient(Duration.ofSeconds(1)),
                server.uri(),
                () -> "t",
                Duration.ofSeconds(2)),
            new ReportBuffer(1000),
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
            clock,
            new Random(1),
            Sleeper.REAL);
    return new AgentLoop(
        collector,
        new ProgressTailer(progressDir, clock),
        reporter,
        interval,
        Duration.ofSeconds(5),
        clock);
  }

  private void append(String file, String text) throws IOException {
    Path path = progressDir.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static boolean has(Received report, String list, long step) {
    for (JsonNode entry : report.body().get(list)) {
      if (entry.get("step").asLong() == step) {
        return true;
      }
    }
    return false;
  }
}
