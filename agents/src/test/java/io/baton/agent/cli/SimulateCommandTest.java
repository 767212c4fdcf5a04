package io.baton.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.CliRun;
import io.baton.agent.Fixtures;
import io.baton.agent.LoopbackOrchestrator;
import io.baton.agent.LoopbackOrchestrator.Received;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code baton-agent simulate} against a real HTTP server on 127.0.0.1. */
class SimulateCommandTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private final LoopbackOrchestrator server = LoopbackOrchestrator.start();

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void aFleetReportsFromEveryNodeWithGrowingSeqAndSummarizes() {
    CliRun run =
        CliRun.of(
            "simulate",
            "--orchestrator",
            server.uri().toString(),
            "--nodes",
            "20",
            "--chips",
            "8",
            "--interval",
            "200ms",
            "--duration",
            "1.5s",
            "--token",
            "fleet-token");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, List<Received>> byNode =
        server.accepted().stream().collect(Collectors.groupingBy(Received::node));
    assertThat(byNode.keySet())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 20).mapToObj(i -> "sim-" + i).toList());
    byNode.forEach(
        (node, reports) -> {
          assertThat(reports)
              .extracting(Received::seq)
              .as(node)
              .containsExactlyElementsOf(LongStream.range(0, reports.size()).boxed().toList());
          assertThat(reports.size()).as(node).isBetween(5, 9);
          assertThat(reports)
              .extracting(r -> r.body().get("bootId").asString())
              .containsOnly(reports.get(0).body().get("bootId").asString());
        });
    assertThat(server.accepted())
        .extracting(Received::authorization)
        .containsOnly("Bearer fleet-token");
    assertThat(Fixtures.reportViolations(server.accepted().get(0).body())).isEmpty();
    assertThat(server.accepted().get(0).body().get("chips")).hasSize(8);

    List<String> lines = run.outLines();
    assertThat(run.out()).contains("latency ms", "p50", "p99", "sent/s");
    JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("reportsSent").asLong()).isEqualTo(server.received().size());
    assertThat(summary.get("reportsOk").asLong()).isEqualTo(server.accepted().size());
    assertThat(summary.get("reportsFailed").asLong()).isZero();
    assertThat(summary.get("reportsPerSec").asDouble()).isBetween(60.0, 140.0);
    assertThat(summary.get("p50Ms").asDouble()).isPositive();
    assertThat(summary.get("p99Ms").asDouble())
        .isGreaterThanOrEqualTo(summary.get("p50Ms").asDouble());
    assertThat(summary.get("maxMs").asDouble())
        .isGreaterThanOrEqualTo(summary.get("p99Ms").asDouble());
  }

  @Test
  void aFastOrchestratorGetsExactlyNodesPerIntervalAndNoTickIsSkipped() {
    CliRun run =
        CliRun.of(
            "simulate",
            "--orchestrator",
            server.uri().toString(),
            "--nodes",
            "300",
            "--chips",
            "8",
            "--interval",
            "1s",
            "--duration",
            "2s",
            "--token",
            "fleet-token");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.outLines();
    JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("reportsSkipped").asLong()).as(run.out()).isZero();
    assertThat(summary.get("reportsSent").asLong()).isEqualTo(600);
    assertThat(summary.get("reportsOk").asLong()).isEqualTo(600);
    assertThat(summary.get("elapsedSec").asDouble()).isEqualTo(2.0);
    assertThat(summary.get("reportsPerSec").asDouble()).isEqualTo(300.0);
    assertThat(summary.get("maxMs").asDouble()).isLessThan(1000.0);
    assertThat(server.accepted()).hasSize(600);
  }

  @Test
  void stepsRunOneAfterAnotherInOneProcessEachWithItsSummary() {
    CliRun run =
        CliRun.of(
            "simulate",
            "--orchestrator",
            server.uri().toString(),
            "--nodes",
            "100",
            "--steps",
            "1s@1s,250ms@1s",
            "--token",
            "fleet-token");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<JsonNode> summaries =
        run.outLines().stream().filter(l -> l.startsWith("{")).map(JSON::readTree).toList();
    assertThat(summaries).hasSize(2);
    assertThat(summaries.get(0).get("intervalMs").asLong()).isEqualTo(1000);
    assertThat(summaries.get(0).get("reportsOk").asLong()).isEqualTo(100);
    assertThat(summaries.get(1).get("intervalMs").asLong()).isEqualTo(250);
    assertThat(summaries.get(1).get("reportsOk").asLong()).isEqualTo(400);
    assertThat(server.accepted()).hasSize(500);
    // Each step is a fresh fleet: a boot of its own per node.
    assertThat(
            server.accepted().stream()
                .filter(r -> r.node().equals("sim-7"))
                .map(r -> r.body().get("bootId").asString())
                .distinct())
        .hasSize(2);
  }

  @Test
  void perNodeTokensAndInjectedFaults() throws IOException {
    Path tokens = Files.writeString(dir.resolve("tokens.txt"), "sim-0 a\nsim-1 b\nsim-2 c\n");

    CliRun run =
        CliRun.of(
            "simulate",
            "--orchestrator",
            server.uri().toString(),
            "--nodes",
            "3",
            "--chips",
            "6",
            "--interval",
            "100ms",
            "--duration",
            "700ms",
            "--tokens",
            tokens.toString(),
            "--faults",
            "1/5=FAULT:E001,sim-2/0=WARNING@300ms");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, List<Received>> byNode =
        server.accepted().stream().collect(Collectors.groupingBy(Received::node));
    assertThat(byNode.get("sim-0")).extracting(Received::authorization).containsOnly("Bearer a");
    assertThat(byNode.get("sim-2")).extracting(Received::authorization).containsOnly("Bearer c");
    assertThat(byNode.get("sim-1"))
        .allSatisfy(
            r -> {
              assertThat(r.body().at("/chips/5/health").asString()).isEqualTo("FAULT");
              assertThat(r.body().at("/chips/5/errorCodes/0").asString()).isEqualTo("E001");
            });
    List<String> laterHealth =
        byNode.get("sim-2").stream().map(r -> r.body().at("/chips/0/health").asString()).toList();
    assertThat(laterHealth.get(0)).isEqualTo("OK");
    assertThat(laterHealth.get(laterHealth.size() - 1)).isEqualTo("WARNING");
  }

  @Test
  void tokensFromTheLocalBackendsTokenFiles() throws IOException {
    Path tokenDir = Files.createDirectories(dir.resolve("tokens"));
    for (int i = 0; i < 2; i++) {
      Files.writeString(tokenDir.resolve("ascend-910b-" + i + ".token"), "tok-" + i + "\n");
    }

    CliRun run =
        CliRun.of(
            "simulate",
            "--orchestrator",
            server.uri().toString(),
            "--nodes",
            "2",
            "--node-prefix",
            "ascend-910b-",
            "--interval",
            "100ms",
            "--duration",
            "250ms",
            "--token-file-pattern",
            tokenDir + "/{node}.token");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(server.accepted())
        .extracting(r -> r.node() + " " + r.authorization())
        .contains("ascend-910b-0 Bearer tok-0", "ascend-910b-1 Bearer tok-1");
  }

  @Test
  void anUnreachableOrchestratorIsCountedAndExits1() {
    server.stop();

    CliRun run =
        CliRun.of(
            "simulate",
            "--orchestrator",
            server.uri().toString(),
            "--nodes",
            "2",
            "--interval",
            "100ms",
            "--duration",
            "300ms");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("failed: ConnectException");
    List<String> lines = run.outLines();
    JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("reportsOk").asLong()).isZero();
    assertThat(summary.get("reportsFailed").asLong()).isPositive();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "--nodes 3 --faults 9/0=FAULT|fault names node 9, which the fleet lacks",
        "--nodes 3 --chips 4 --faults 1/4=FAULT|fault names chip 4, but nodes have 4 chips",
        "--nodes 3 --faults 1=FAULT|expected NODE/CHIP=HEALTH",
        "--nodes 3 --tokens TOKENS|has no token for node sim-2",
        "--nodes 3 --token-file-pattern /nonexistent/{node}.token|--token-file-pattern /nonexistent/sim-0.token: cannot read",
        "--nodes 3 --token-file-pattern tokens.txt|--token-file-pattern must contain {node}",
        "--nodes 3 --token a --tokens TOKENS|mutually exclusive",
        "--nodes 0|--nodes must be between 1 and 100000",
        "--nodes 3 --chips 65|--chips must be between 0 and 64",
        "--nodes 3 --interval fast|'fast' is not a duration",
        "--nodes 3 --duration 0s|--duration must be positive",
        "--nodes 3 --steps 1s|--steps: '1s' is not INTERVAL@DURATION",
        "--nodes 3 --steps 1s@0s|--steps: '1s@0s' needs a positive interval and duration",
        "--nodes 3 --steps 1s@2s,fast@1s|--steps: 'fast' is not a duration",
        "--chips 3|Missing required option: '--nodes=N'"
      })
  void badFlagsAreUsageErrors(String flags, String message) throws IOException {
    Path tokens = Files.writeString(dir.resolve("tokens.txt"), "sim-0 a\nsim-1 b\n");
    List<String> args =
        new ArrayList<>(List.of("simulate", "--orchestrator", server.uri().toString()));
    Arrays.stream(flags.split(" "))
        .map(f -> f.equals("TOKENS") ? tokens.toString() : f)
        .forEach(args::add);

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(message).contains("Usage: baton-agent simulate");
    assertThat(server.received()).isEmpty();
  }
}
