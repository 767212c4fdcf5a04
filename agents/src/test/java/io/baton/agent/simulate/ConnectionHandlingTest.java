package io.baton.agent.simulate;

import static io.baton.agent.simulate.FleetSimulatorTest.config;
import static io.baton.agent.simulate.FleetSimulatorTest.simulator;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.simulate.ScriptedServer.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator's HTTP client against servers that answer in every way HTTP/1.1 allows. */
class ConnectionHandlingTest {

  private static final String OK_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
  private static final String BODY = "{\"applied\":true}";
  private static final String LENGTH = "Content-Length: " + BODY.length() + "\r\n\r\n";

  /** The first reports of a fresh JVM are slow enough (class loading, JIT) to skip ticks. */
  @BeforeAll
  static void warmUp() throws InterruptedException {
    try (ScriptedServer server =
        ScriptedServer.start(n -> Answer.of(false, OK_HEAD + LENGTH + BODY))) {
      for (boolean blocking : new boolean[] {false, true}) {
        simulator(config(server.uri(), 20, "10ms", "300ms", 8), blocking).run();
      }
    }
  }

  static Stream<Arguments> servers() {
    return Stream.of(
            script("one write", n -> Answer.of(false, OK_HEAD + LENGTH + BODY)),
            script("head and body written apart", n -> Answer.of(false, OK_HEAD + LENGTH, BODY)),
            script(
                "chunked, in pieces",
                n ->
                    Answer.of(
                        false,
                        OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n",
                        "5\r\n{\"app\r\n",
                        "B;x=y\r\nlied\":true}\r\n0\r\n\r\n")),
            script(
                "interim 100 Continue first",
                n -> Answer.of(false, "HTTP/1.1 100 Continue\r\n\r\n", OK_HEAD + LENGTH + BODY)),
            script(
                "Connection: close every third answer",
                n ->
                    Answer.of(
                        n % 3 == 2,
                        OK_HEAD + (n % 3 == 2 ? "Connection: close\r\n" : "") + LENGTH + BODY)),
            script(
                "closes after every answer without saying so",
                n -> Answer.of(true, OK_HEAD + LENGTH + BODY)),
            script(
                "HTTP/1.0, body until close",
                n -> Answer.of(true, "HTTP/1.0 200 OK\r\n\r\n" + BODY)),
            script("204 No Content", n -> Answer.of(false, "HTTP/1.1 204 No Content\r\n\r\n")))
        .flatMap(
            a ->
                Stream.of(false, true)
                    .map(blocking -> Arguments.of(a.get()[0], a.get()[1], blocking)));
  }

  private static Arguments script(String name, ScriptedServer.Script script) {
    return Arguments.of(name, script);
  }

  @ParameterizedTest(name = "{0}, blocking transport: {2}")
  @MethodSource("servers")
  void everyReportIsAnsweredOnce(String name, ScriptedServer.Script script, boolean blocking)
      throws InterruptedException {
    try (ScriptedServer server = ScriptedServer.start(script)) {
      // 5 nodes every 50 ms for 300 ms: 30 ticks (a busy machine may make a node skip one)
      FleetSummary summary = simulator(config(server.uri(), 5, "50ms", "300ms", 8), blocking).run();

      assertThat(summary.failures()).isEmpty();
      assertThat(summary.reportsSent() + summary.reportsSkipped()).isEqualTo(30);
      assertThat(summary.reportsOk()).isEqualTo(summary.reportsSent()).isGreaterThan(20);
      assertThat(server.received()).hasSize((int) summary.reportsSent());
      Map<String, List<String>> seqByNode = seqByNode(server.received());
      assertThat(seqByNode).hasSize(5);
      seqByNode.forEach((node, seqs) -> assertThat(seqs).as(node).isEqualTo(upTo(seqs.size())));
    }
  }

  @ParameterizedTest(name = "blocking transport: {0}")
  @ValueSource(booleans = {false, true})
  void aReportWrittenToAConnectionTheServerClosesGoesOnceMoreOnANewOne(boolean blocking)
      throws InterruptedException {
    // The server answers the first request on a connection and closes it, unanswered, on the
    // second: a keep-alive connection the server closed just as the next report was written.
    try (ScriptedServer server =
        ScriptedServer.start(
            n -> n == 0 ? Answer.of(false, OK_HEAD + LENGTH + BODY) : Answer.of(true))) {
      FleetSummary summary = simulator(config(server.uri(), 5, "50ms", "300ms", 8), blocking).run();

      assertThat(summary.failures()).isEmpty();
      assertThat(summary.reportsSent() + summary.reportsSkipped()).isEqualTo(30);
      assertThat(summary.reportsOk()).isEqualTo(summary.reportsSent()).isGreaterThan(20);
      Map<String, List<String>> seqByNode = seqByNode(server.received());
      assertThat(seqByNode).hasSize(5);
      seqByNode.forEach(
          (node, seqs) -> {
            List<String> distinct = seqs.stream().distinct().toList();
            assertThat(distinct).as(node).isEqualTo(upTo(distinct.size()));
          });
      // the dropped requests were read, and are seen again: idempotent by bootId and seq
      assertThat(server.received().size()).isGreaterThan((int) summary.reportsSent());
    }
  }

  @ParameterizedTest(name = "blocking transport: {0}")
  @ValueSource(booleans = {false, true})
  void aServerThatClosesWithoutAnsweringFailsTheReports(boolean blocking)
      throws InterruptedException {
    try (ScriptedServer server = ScriptedServer.start(n -> Answer.of(true))) {
      FleetSummary summary =
          simulator(config(server.uri(), 2, "100ms", "300ms", 8), blocking).run();

      // Every report sent fails the same way, however many ticks a loaded machine fits in.
      assertThat(summary.reportsSent()).isGreaterThanOrEqualTo(2);
      assertThat(summary.reportsOk()).isZero();
      assertThat(summary.failures())
          .containsExactly(Map.entry("EOFException", (long) summary.reportsSent()));
    }
  }

  @ParameterizedTest(name = "blocking transport: {0}")
  @ValueSource(booleans = {false, true})
  void aServerThatNeverAnswersTimesOut(boolean blocking) throws InterruptedException {
    try (ScriptedServer server = ScriptedServer.start(n -> Answer.never())) {
      FleetSimulator.Config base = config(server.uri(), 1, "10s", "100ms", 8);
      FleetSimulator.Config config =
          new FleetSimulator.Config(
              base.orchestrator(),
              base.nodes(),
              base.chips(),
              base.interval(),
              base.duration(),
              base.faults(),
              base.tokens(),
              base.nodePrefix(),
              Duration.ofMillis(300),
              base.maxInFlight());

      long start = System.nanoTime();
      FleetSummary summary = simulator(config, blocking).run();

      assertThat(summary.reportsSent()).isEqualTo(1);
      assertThat(summary.failures()).containsExactly(Map.entry("SocketTimeoutException", 1L));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @ParameterizedTest(name = "blocking transport: {0}")
  @ValueSource(booleans = {false, true})
  void anAnswerThatIsNotHttpFailsTheReport(boolean blocking) throws InterruptedException {
    try (ScriptedServer server =
        ScriptedServer.start(n -> Answer.of(true, "SSH-2.0-OpenSSH_9.6\r\n"))) {
      FleetSummary summary = simulator(config(server.uri(), 1, "10s", "100ms", 8), blocking).run();

      assertThat(summary.failures()).containsExactly(Map.entry("ProtocolException", 1L));
    }
  }

  @ParameterizedTest(name = "blocking transport: {0}")
  @ValueSource(booleans = {false, true})
  void errorStatusesAreFailuresByStatus(boolean blocking) throws InterruptedException {
    try (ScriptedServer server =
        ScriptedServer.start(
            n ->
                Answer.of(
                    false,
                    "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 14\r\n"
                        + "\r\n{\"status\":503}"))) {
      FleetSummary summary =
          simulator(config(server.uri(), 2, "100ms", "300ms", 8), blocking).run();

      assertThat(summary.failures()).containsExactly(Map.entry("HTTP 503", 6L));
      assertThat(summary.reportsOk()).isZero();
    }
  }

  private static Map<String, List<String>> seqByNode(List<String> received) {
    return received.stream()
        .collect(
            Collectors.groupingBy(
                r -> r.substring(0, r.indexOf('/')),
                Collectors.mapping(r -> r.substring(r.indexOf('/') + 1), Collectors.toList())));
  }

  private static List<String> upTo(int count) {
    return IntStream.range(0, count).mapToObj(Integer::toString).toList();
  }
}
