package io.baton.agent.report;

import static io.baton.agent.report.ReportBufferTest.samples;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.Fixtures;
import io.baton.agent.LoopbackOrchestrator;
import io.baton.agent.LoopbackOrchestrator.Received;
import io.baton.agent.TestClock;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.progress.ProgressBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The reporter against a real HTTP server on 127.0.0.1 that goes away, fails and comes back. */
class ReporterTest {

  private static final ChipSnapshot CHIPS = new SimCollector(2, Map.of()).collect();
  private final LoopbackOrchestrator server = LoopbackOrchestrator.start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void reportsAreNumberedInOrderCarryTheTokenAndMatchTheSchema() {
    Reporter reporter = reporter(100, Duration.ofSeconds(2));

    for (int i = 0; i < 3; i++) {
      reporter.offer(CHIPS, batch(samples(i * 2 + 1, i * 2 + 2), List.of(checkpoint(i)), i));
      assertThat(reporter.drain()).isTrue();
    }

    List<Received> accepted = server.accepted();
    assertThat(accepted).extracting(Received::seq).containsExactly(0L, 1L, 2L);
    assertThat(accepted)
        .extracting(r -> r.body().get("bootId").asString())
        .containsOnly(reporter.bootId().toString());
    assertThat(accepted).extracting(Received::authorization).containsOnly("Bearer node-token");
    assertThat(accepted).extracting(Received::contentType).containsOnly("application/json");
    assertThat(accepted).allSatisfy(r -> assertThat(Fixtures.reportViolations(r.body())).isEmpty());
    JsonNode last = accepted.get(2).body();
    assertThat(last.get("node").asString()).isEqualTo("node-1");
    assertThat(last.get("vendor").asString()).isEqualTo("sim");
    assertThat(last.get("chips")).hasSize(2);
    assertThat(steps(last.get("progress"))).containsExactly(5L, 6L);
    assertThat(steps(last.get("checkpoints"))).containsExactly(2L);
    assertThat(last.get("malformedLines").asLong()).isEqualTo(2);
    assertThat(accepted.get(0).body().has("malformedLines")).isFalse();
    assertThat(reporter.delivered()).isEqualTo(3);
  }

  @Test
  void whileTheOrchestratorIsDownItBuffersThenDrainsInOrder() {
    server.stop();
    Reporter reporter = reporter(20, Duration.ofSeconds(2));

    for (int i = 0; i < 10; i++) {
      reporter.offer(CHIPS, batch(samples(i * 5 + 1, i * 5 + 5), List.of(checkpoint(i)), 0));
      assertThat(reporter.drain()).isFalse();
    }
    assertThat(server.received()).isEmpty();
    server.restart();

    assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();

    List<JsonNode> reports = server.accepted().stream().map(Received::body).toList();
    assertThat(reports).extracting(r -> r.get("seq").asLong()).containsExactly(0L, 1L);
    assertThat(reports.stream().flatMap(r -> steps(r.get("checkpoints")).stream()))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    List<Long> progress = reports.stream().flatMap(r -> steps(r.get("progress")).stream()).toList();
    assertThat(progress).startsWith(1L, 2L, 3L, 4L, 5L).hasSize(25);
    assertThat(progress.subList(5, 25)).isSorted().containsExactlyElementsOf(range(31, 50));
    assertThat(reports.get(1).get("droppedProgress").asLong()).isEqualTo(25);
    assertThat(reports).allSatisfy(r -> assertThat(Fixtures.reportViolations(r)).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503})
  void retryableAnswersResendTheSameReportWithItsSeq(int status) {
    AtomicInteger calls = new AtomicInteger();
    server.answer(() -> calls.getAndIncrement() < 3 ? status : 200);
    Reporter reporter = reporter(100, Duration.ofSeconds(2));

    reporter.offer(CHIPS, batch(samples(1, 1), List.of(), 0));
    assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();
    reporter.offer(CHIPS, ProgressBatch.EMPTY);
    assertThat(reporter.drain()).isTrue();

    assertThat(server.received()).extracting(Received::seq).containsExactly(0L, 0L, 0L, 0L, 1L);
    assertThat(server.received())
        .extracting(Received::answered)
        .containsExactly(status, status, status, 200, 200);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 413, 422})
  void aReportRefusedForGoodIsDroppedAndTheNextOneGoesOut(int status) {
    AtomicInteger calls = new AtomicInteger();
    server.answer(() -> calls.getAndIncrement() == 0 ? status : 200);
    Reporter reporter = reporter(100, Duration.ofSeconds(2));

    reporter.offer(CHIPS, ProgressBatch.EMPTY);
    assertThat(reporter.drain()).isTrue();
    reporter.offer(CHIPS, ProgressBatch.EMPTY);
    assertThat(reporter.drain()).isTrue();

    assertThat(server.received()).extracting(Received::seq).containsExactly(0L, 1L);
    assertThat(reporter.rejected()).isEqualTo(1);
    assertThat(reporter.delivered()).isEqualTo(1);
  }

  @Test
  void aRequestThatTimesOutIsRetried() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    server.answer(
        () -> {
          if (calls.getAndIncrement() == 0) {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return 200;
        });
    Reporter reporter = reporter(100, Duration.ofMillis(300));
    try {
      reporter.offer(CHIPS, ProgressBatch.EMPTY);

      assertThat(reporter.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(calls.get()).isEqualTo(2);
      assertThat(server.accepted()).extracting(Received::seq).containsExactly(0L);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aBacklogTooLargeForOneRequestGoesOutInSeveralReportsInOrder() {
    Reporter reporter = reporter(20_000, Duration.ofSeconds(5));
    String note = "x".repeat(300);
    List<ObjectNode> backlog = samples(1, 10_000).stream().map(p -> p.put("note", note)).toList();

    reporter.offer(CHIPS, batch(backlog, List.of(checkpoint(1), checkpoint(2)), 0));
    assertThat(reporter.flush(Duration.ofSeconds(20))).isTrue();

    List<Received> accepted = server.accepted();
    assertThat(accepted.size()).isBetween(4, 8);
    assertThat(accepted)
        .extracting(Received::seq)
        .containsExactlyElementsOf(range(0, accepted.size() - 1));
    assertThat(accepted)
        .allSatisfy(
            r ->
                assertThat(r.body().toString().length())
                    .isLessThanOrEqualTo(AgentReport.MAX_BYTES));
    assertThat(accepted.stream().flatMap(r -> steps(r.body().get("progress")).stream()))
        .containsExactlyElementsOf(range(1, 10_000));
    assertThat(accepted.stream().flatMap(r -> steps(r.body().get("checkpoints")).stream()))
        .containsExactly(1L, 2L);
    assertThat(Fixtures.reportViolations(accepted.get(0).body())).isEmpty();
  }

  @Test
  void retryAfterFromTheOrchestratorIsHonouredUpToTheCap() {
    AtomicInteger calls = new AtomicInteger();
    server.answer(() -> calls.getAndIncrement() < 2 ? 503 : 200);
    server.retryAfter("2");
    TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    List<Duration> slept = new ArrayList<>();
    Reporter reporter =
        new Reporter(
            "node-1",
            UUID.randomUUID(),
            new HttpReportSender(
                HttpReportSender.defaultClient(Duration.ofSeconds(1)),
                server.uri(),
                () -> "node-token",
                Duration.ofSeconds(2)),
            new ReportBuffer(10),
            new Backoff(Duration.ofMillis(5), Duration.ofSeconds(30)),
            clock,
            new Random(7),
            d -> {
              slept.add(d);
              clock.advance(d);
            });

    reporter.offer(CHIPS, ProgressBatch.EMPTY);

    assertThat(reporter.flush(Duration.ofMinutes(1))).isTrue();
    assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    assertThat(HttpReportSender.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
  }

  private Reporter reporter(int maxProgress, Duration requestTimeout) {
    return new Reporter(
        "node-1",
        UUID.randomUUID(),
        new HttpReportSender(
            HttpReportSender.defaultClient(Duration.ofSeconds(1)),
            server.uri(),
            () -> "node-token",
            requestTimeout),
        new ReportBuffer(maxProgress),
        new Backoff(Duration.ofMillis(5), Duration.ofMillis(40)),
        Clock.systemUTC(),
        new Random(7),
        Sleeper.REAL);
  }

  private static ProgressBatch batch(
      List<ObjectNode> progress, List<ObjectNode> checkpoints, long malformed) {
    return new ProgressBatch(
        progress.stream().map(ReporterTest::withSource).toList(), checkpoints, malformed);
  }

  private static ObjectNode withSource(ObjectNode entry) {
    return entry.put("jobId", "job-1").put("rank", 0).put("time", "2026-03-01T10:00:00Z");
  }

  private static ObjectNode checkpoint(long step) {
    return withSource(
        ReportBufferTest.sample(step)
            .put("type", "checkpoint")
            .put("path", "step-" + step)
            .put("sha256", "00")
            .put("sizeBytes", 10));
  }

  private static List<Long> steps(JsonNode entries) {
    return StreamSupport.stream(entries.spliterator(), false)
        .map(e -> e.get("step").asLong())
        .toList();
  }

  private static List<Long> range(long from, long to) {
    return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
  }
}
