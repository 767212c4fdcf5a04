package io.baton.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.CliRun;
import io.baton.agent.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code baton-agent inspect} on every captured output: schema-valid JSON with the right values.
 */
class InspectCommandTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "npu-smi|npu-smi/info-8x910B1.txt|ascend|0 1 2 3 4 5 6 7|OK OK OK OK OK OK OK OK"
            + "|89.1 90.0 91.5 91.3 92.7 93.0 91.5 91.1|32 33 32 32 31 33 30 32"
            + "|3437 3378 3376 3377 3377 3376 3377 3380"
            + "|65536 65536 65536 65536 65536 65536 65536 65536",
        "npu-smi|npu-smi/info-1x910B4.txt|ascend|5|OK|89.9|39|2922|32768",
        "npu-smi|npu-smi/info-4x910B3-faults.txt|ascend|4 5 6 7|OK WARNING FAULT FAULT"
            + "|88.4 312.6 95.0 -|41 96 44 -|51200 60123 3376 0|65536 65536 65536 65536",
        "npu-smi|npu-smi/info-2x910A-older-layout.txt|ascend|0 1|OK UNKNOWN|68.5 -|36 -|0 -|32768 -",
        "npu-smi|npu-smi/info-1x310P3-2chips.txt|ascend|0 1|OK OK|- -|51 51|1782 1611|44280 43693",
        "nvidia-smi|nvidia-smi/query-8xA100-header.csv|nvidia|0 1 2 3 4 5 6 7"
            + "|OK OK FAULT WARNING FAULT OK WARNING OK"
            + "|61.52 250.12 88.40 398.77 57.03 - 401.10 64.95|34 36 35 88 33 32 51 37"
            + "|4 71342 4 80211 4 4 79001 4|81920 81920 81920 81920 81920 81920 81920 81920",
        "nvidia-smi|nvidia-smi/query-4xT4-noheader-nounits.csv|nvidia|0 1 2 3|OK FAULT WARNING OK"
            + "|27.73 - 69.95 30.10|41 39 83 45|0 2048 14010 0|15360 15360 15360 15360",
        "nvidia-smi|nvidia-smi/query-2xH100-event-reasons.csv|nvidia|0 1|WARNING OK"
            + "|71.33 69.80|29 30|1 1|81559 81559"
      })
  void everyFixtureGivesAValidReportWithTheRightValues(
      String collector,
      String fixture,
      String vendor,
      String indexes,
      String health,
      String power,
      String temp,
      String used,
      String total) {
    CliRun run =
        CliRun.of(
            "inspect",
            "--collector",
            collector,
            "--input",
            Fixtures.path(fixture).toString(),
            "--node",
            "gpu-node-3");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(report.get("node").asString()).isEqualTo("gpu-node-3");
    assertThat(report.get("seq").asLong()).isZero();
    assertThat(report.get("vendor").asString()).isEqualTo(vendor);
    assertThat(report.get("progress")).isEmpty();
    JsonNode chips = report.get("chips");
    assertThat(column(chips, "index", JsonNode::asString)).isEqualTo(words(indexes));
    assertThat(column(chips, "health", JsonNode::asString)).isEqualTo(words(health));
    assertThat(column(chips, "powerW", n -> String.valueOf(n.asDouble())))
        .isEqualTo(
            words(power).stream()
                .map(p -> p.equals("-") ? p : String.valueOf(Double.parseDouble(p)))
                .toList());
    assertThat(column(chips, "tempC", JsonNode::asString)).isEqualTo(words(temp));
    assertThat(column(chips, "memoryUsedMb", JsonNode::asString)).isEqualTo(words(used));
    assertThat(column(chips, "memoryTotalMb", JsonNode::asString)).isEqualTo(words(total));
  }

  @Test
  void readsCapturedOutputFromStdin() {
    CliRun run =
        CliRun.withStdin(
            Fixtures.read("npu-smi/info-1x910B4.txt"),
            "inspect",
            "--collector",
            "npu-smi",
            "--input",
            "-",
            "--node",
            "n");

    assertThat(run.exitCode()).isZero();
    assertThat(JSON.readTree(run.out()).at("/chips/0/index").asInt()).isEqualTo(5);
  }

  @Test
  void theNodeDefaultsToTheHostnameAndTheBootIdIsRandom() {
    String fixture = Fixtures.path("npu-smi/info-1x910B4.txt").toString();

    JsonNode first =
        JSON.readTree(CliRun.of("inspect", "--collector", "npu-smi", "--input", fixture).out());
    JsonNode second =
        JSON.readTree(CliRun.of("inspect", "--collector", "npu-smi", "--input", fixture).out());

    assertThat(first.get("node").asString()).isNotBlank();
    assertThat(first.get("bootId").asString()).isNotEqualTo(second.get("bootId").asString());
  }

  @Test
  void knownXidsFaultTheirGpu() {
    CliRun run =
        CliRun.of(
            "inspect",
            "--collector",
            "nvidia-smi",
            "--input",
            Fixtures.path("nvidia-smi/query-8xA100-header.csv").toString(),
            "--xid",
            "7:79,13");

    JsonNode gpu = JSON.readTree(run.out()).at("/chips/7");
    assertThat(gpu.get("health").asString()).isEqualTo("FAULT");
    assertThat(gpu.get("errorCodes").toString()).isEqualTo("[\"XID 13\",\"XID 79\"]");
  }

  @Test
  void theSimCollectorWithScriptedHealth() {
    CliRun run =
        CliRun.of(
            "inspect",
            "--collector",
            "sim",
            "--sim-chips",
            "4",
            "--sim-health",
            "1=FAULT:E9",
            "--node",
            "s");

    JsonNode report = JSON.readTree(run.out());
    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(report.get("vendor").asString()).isEqualTo("sim");
    assertThat(column(report.get("chips"), "health", JsonNode::asString))
        .containsExactly("OK", "FAULT", "OK", "OK");
    assertThat(report.at("/chips/1/errorCodes/0").asString()).isEqualTo("E9");
  }

  @ParameterizedTest
  @CsvSource({
    "npu-smi/info-8x910B1-borderless.txt,8",
    "npu-smi/info-1x310P3-2chips-borderless-indented.txt,2"
  })
  void npuSmiInfoWithoutItsBorderLinesIsReadToo(String fixture, int chips) {
    CliRun run =
        CliRun.of(
            "inspect", "--collector", "npu-smi", "--input", Fixtures.path(fixture).toString());

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    JsonNode report = JSON.readTree(run.out());
    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(report.get("chips")).hasSize(chips);
  }

  @Test
  void capturedHccnToolAnswersShowAsLinks() {
    CliRun run =
        CliRun.of(
            "inspect",
            "--collector",
            "npu-smi",
            "--input",
            Fixtures.path("npu-smi/info-8x910B1.txt").toString(),
            "--links-input",
            Fixtures.path("hccn_tool/transcript-8npu-npu3-down.txt").toString(),
            "--node",
            "n");

    assertThat(run.err()).isEmpty();
    JsonNode report = JSON.readTree(run.out());
    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(report.at("/chips/3/links").toString())
        .isEqualTo(
            "[{\"name\":\"roce\",\"state\":\"DOWN\"},{\"name\":\"net-health\",\"state\":\"DOWN\"}]");
    assertThat(report.at("/chips/0/links/0/state").asString()).isEqualTo("UP");
    assertThat(report.at("/chips/3/health").asString()).isEqualTo("OK");
  }

  @Test
  void capturedNvlinkStatusAndCountersFromStdinShowAsLinks() {
    CliRun run =
        CliRun.withStdin(
            Fixtures.read("nvidia-smi/nvlink-status-8xH100-gpu3-link5-inactive.txt")
                + Fixtures.read("nvidia-smi/nvlink-errors-8xH100-gpu3-link5-errors.txt"),
            "inspect",
            "--collector",
            "nvidia-smi",
            "--input",
            Fixtures.path("nvidia-smi/query-8xA100-header.csv").toString(),
            "--links-input",
            "-");

    assertThat(run.err()).isEmpty();
    JsonNode report = JSON.readTree(run.out());
    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(report.at("/chips/3/links")).hasSize(18);
    assertThat(report.at("/chips/3/links/5").toString())
        .isEqualTo(
            "{\"name\":\"nvlink-5\",\"state\":\"DOWN\",\"errors\":{\"replay\":142,\"recovery\":3,\"crc\":891}}");
  }

  @Test
  void unreadableLinkOutputIsOneLineAndExit1() {
    CliRun run =
        CliRun.of(
            "inspect",
            "--collector",
            "nvidia-smi",
            "--input",
            Fixtures.path("nvidia-smi/query-8xA100-header.csv").toString(),
            "--links-input",
            Fixtures.path("nvidia-smi/nvlink-driver-error.txt").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .startsWith("baton-agent inspect: nvidia-smi nvlink: line 1: expected 'GPU <n>: ...'");
  }

  @Test
  void liveCollectionShowsLinksAndAMissingHccnToolReadsUnknown(@TempDir Path dir)
      throws IOException {
    Path npuSmi = dir.resolve("npu-smi");
    Files.writeString(
        npuSmi,
        "#!/bin/sh\ncat '" + Fixtures.path("npu-smi/info-1x910B4.txt").toAbsolutePath() + "'\n");
    assertThat(npuSmi.toFile().setExecutable(true)).isTrue();
    String missing = dir.resolve("hccn_tool").toString();

    JsonNode report =
        JSON.readTree(
            CliRun.of(
                    "inspect",
                    "--collector",
                    "npu-smi",
                    "--npu-smi",
                    npuSmi.toString(),
                    "--hccn-tool",
                    missing)
                .out());
    JsonNode none =
        JSON.readTree(
            CliRun.of(
                    "inspect",
                    "--collector",
                    "npu-smi",
                    "--npu-smi",
                    npuSmi.toString(),
                    "--no-links")
                .out());

    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(report.at("/chips/0/links").toString())
        .isEqualTo(
            "[{\"name\":\"roce\",\"state\":\"UNKNOWN\"},{\"name\":\"net-health\",\"state\":\"UNKNOWN\"}]");
    assertThat(none.at("/chips/0").has("links")).isFalse();
  }

  @Test
  void simulatedLinksAreUpUnlessScriptedDown() {
    JsonNode report =
        JSON.readTree(
            CliRun.of("inspect", "--collector", "sim", "--sim-chips", "3", "--sim-links", "1=DOWN")
                .out());

    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(column(report.get("chips"), "links", links -> links.at("/0/state").asString()))
        .containsExactly("UP", "DOWN", "UP");
  }

  @Test
  void progressFilesAreIncludedWhenAsked(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("job-4"));
    Files.writeString(
        dir.resolve("job-4/rank-1.jsonl"),
        "{\"type\":\"progress\",\"step\":3,\"loss\":1.25}\nbroken\n"
            + "{\"type\":\"checkpoint\",\"step\":3,\"path\":\"step-3\",\"sha256\":\"ab\",\"sizeBytes\":1}\n");

    CliRun run =
        CliRun.of("inspect", "--collector", "sim", "--progress-dir", dir.toString(), "--node", "s");

    JsonNode report = JSON.readTree(run.out());
    assertThat(Fixtures.reportViolations(report)).isEmpty();
    assertThat(report.at("/progress/0/jobId").asString()).isEqualTo("job-4");
    assertThat(report.at("/progress/0/rank").asInt()).isEqualTo(1);
    assertThat(report.at("/checkpoints/0/path").asString()).isEqualTo("step-3");
    assertThat(report.get("malformedLines").asInt()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "npu-smi|npu-smi/info-driver-error.txt|no chip table",
        "npu-smi|npu-smi/info-truncated-mid-block.txt|NPU 3 has no chip row",
        "npu-smi|nvidia-smi/query-8xA100-header.csv|no chip table",
        "nvidia-smi|npu-smi/info-1x910B4.txt|expected 15 values"
      })
  void unreadableOutputIsOneLineOnStderrAndExit1(String collector, String fixture, String message) {
    CliRun run =
        CliRun.of(
            "inspect", "--collector", collector, "--input", Fixtures.path(fixture).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("baton-agent inspect: ")
        .contains(message);
  }

  @Test
  void aMissingToolIsOneLineAndExit1() {
    CliRun run =
        CliRun.of(
            "inspect", "--collector", "nvidia-smi", "--nvidia-smi", "/nonexistent/nvidia-smi");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("baton-agent inspect: /nonexistent/nvidia-smi: cannot run");
  }

  @Test
  void aMissingInputFileIsExit1() {
    CliRun run =
        CliRun.of("inspect", "--collector", "npu-smi", "--input", "/nonexistent/capture.txt");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "--node x|Missing required option: '--collector=KIND'",
        "--collector amd|'amd' is not a collector: use npu-smi, nvidia-smi or sim",
        "--collector sim --input capture.txt|--input does not apply to the sim collector",
        "--collector sim --sim-health 9=FAULT|no simulated chip 9 on a node with 8 chips",
        "--collector sim --sim-health 1=MELTED|health must be one of",
        "--collector sim --sim-chips 65|--sim-chips must be between 0 and 64",
        "--collector nvidia-smi --input x --xid 7|--xid '7': expected GPU:XID",
        "--collector npu-smi --tool-timeout soon|'soon' is not a duration",
        "--collector npu-smi --links-input l.txt|--links-input needs --input",
        "--collector npu-smi --input - --links-input -|cannot both read stdin",
        "--collector sim --sim-links 1=FLAPPING|--sim-links: sim health spec '1=FLAPPING'"
      })
  void badFlagsAreUsageErrors(String flags, String message) {
    List<String> args = new ArrayList<>(List.of("inspect"));
    args.addAll(words(flags));

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(message).contains("Usage: baton-agent inspect");
  }

  private static List<String> column(
      JsonNode chips, String field, Function<JsonNode, String> value) {
    List<String> values = new ArrayList<>();
    for (JsonNode chip : chips) {
      JsonNode v = chip.get(field);
      values.add(v == null || v.isNull() ? "-" : value.apply(v));
    }
    return values;
  }

  private static List<String> words(String text) {
    return Arrays.asList(text.strip().split("\\s+"));
  }
}
