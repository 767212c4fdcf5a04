package io.baton.orchestrator.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.ascend.HccnToolParser;
import io.baton.agent.collect.ascend.NpuSmiInfoParser;
import io.baton.agent.collect.nvidia.NvidiaSmiCsvParser;
import io.baton.agent.collect.nvidia.NvlinkParser;
import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import io.baton.agent.report.ReportJson;
import io.baton.orchestrator.problems.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The heartbeat fast path gives the thorough path's answer or none: over real agents' reports and
 * thousands of variants of them, whatever {@link HeartbeatReader} accepts, the schema and {@link
 * ReportParser} accept too, and read the same.
 */
class HeartbeatReaderTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path FIXTURES = Path.of("../agents/src/test/resources/fixtures");
  private static final String MARK = "@@value@@";

  /** JSON values put in place of each field in turn: every type, edge numbers and strings. */
  private static final List<String> VALUES =
      List.of(
          "null",
          "\"\"",
          "\"x\"",
          "\"OK\"",
          "\"FAULT\"",
          "\"sim\"",
          "\"ascend\"",
          "\"Sim\"",
          "\"" + UUID.randomUUID() + "\"",
          "\"1-1-1-1-1\"",
          "\"" + "n".repeat(253) + "\"",
          "\"" + "n".repeat(254) + "\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"a\\u0001\\u00e9\"",
          "true",
          "-1",
          "0",
          "1",
          "7",
          "2147483648",
          "9223372036854775808",
          "-0.0",
          "0.0",
          "1.5",
          "2.0",
          "-0.5",
          "1e2",
          "-1e-400",
          "1E400",
          "[]",
          "[\"a\"]",
          "[1]",
          "[null]",
          "{}",
          "{\"a\":\"b\"}",
          "{\"a\":1}",
          "{\"a\":null}");

  private static final List<String> TOP_LEVEL =
      List.of(
          "node",
          "bootId",
          "seq",
          "sentAt",
          "vendor",
          "chips",
          "progress",
          "checkpoints",
          "malformedLines",
          "droppedProgress",
          "extra");

  private static final List<String> CHIP_FIELDS =
      List.of(
          "index",
          "chipId",
          "name",
          "health",
          "rawHealth",
          "busId",
          "uuid",
          "powerW",
          "tempC",
          "utilizationPct",
          "memoryUsedMb",
          "memoryTotalMb",
          "errorCodes",
          "reasons",
          "raw",
          "links",
          "extra");

  private static final List<String> LINK_FIELDS = List.of("name", "state", "errors", "extra");

  /** Values for a link's name and counters, around the schema's edges. */
  private static final List<String> LINK_VALUES =
      List.of(
          "\"nvlink-0\"",
          "\"roce\"",
          "\"a\"",
          "\"A.b_c:d/e-f\"",
          "\"-a\"",
          "\"a b\"",
          "\"a\\n\"",
          "\"a\\u0000\"",
          "\"é\"",
          "\"" + "n".repeat(64) + "\"",
          "\"" + "n".repeat(65) + "\"",
          "\"UP\"",
          "\"DOWN\"",
          "\"UNKNOWN\"",
          "\"up\"",
          "{\"crc\":0}",
          "{\"crc\":-1}",
          "{\"crc\":1.0}",
          "{\"crc\":9223372036854775807}",
          "{\"crc\":9223372036854775808}",
          "{\"CRC\":1}",
          "{\"_crc\":1}",
          "{\"link-recovery_failed\":1}",
          "{\"" + "c".repeat(64) + "\":1}",
          "{\"" + "c".repeat(65) + "\":1}",
          "{\"crc\":\"1\"}",
          "{\"crc\":null}");

  private int fast;
  private int rejected;

  @Test
  void realAgentsHeartbeatsTakeTheFastPathAndReadAsTheSchemaReadsThem() throws Exception {
    List<String> reports = realReports();

    for (String report : reports) {
      assertThat(check(report)).as(report).isTrue();
    }
    assertThat(reports).hasSizeGreaterThanOrEqualTo(8);
  }

  @Test
  void everyVariantOfAFieldIsReadAlikeOrLeftToTheSchema() throws Exception {
    for (String report : realReports()) {
      ObjectNode base = (ObjectNode) JSON.readTree(report);
      for (String field : TOP_LEVEL) {
        ObjectNode without = base.deepCopy();
        without.remove(field);
        check(JSON.writeValueAsString(without));
        for (String value : VALUES) {
          ObjectNode changed = base.deepCopy();
          changed.put(field, MARK);
          check(withValue(changed, value));
        }
      }
      ArrayNode chips = (ArrayNode) base.get("chips");
      for (int position : new int[] {0, chips.size() - 1}) {
        for (String field : CHIP_FIELDS) {
          ObjectNode without = base.deepCopy();
          ((ObjectNode) without.get("chips").get(position)).remove(field);
          check(JSON.writeValueAsString(without));
          for (String value : VALUES) {
            ObjectNode changed = base.deepCopy();
            ((ObjectNode) changed.get("chips").get(position)).put(field, MARK);
            check(withValue(changed, value));
          }
        }
        for (String value : VALUES) {
          ObjectNode changed = base.deepCopy();
          ((ObjectNode) changed.get("chips").get(position)).putObject("raw").put("Health", MARK);
          check(withValue(changed, value));
          changed = base.deepCopy();
          ((ObjectNode) changed.get("chips").get(position)).putArray("errorCodes").add(MARK);
          check(withValue(changed, value));
        }
      }
    }
    // The variants are not all accepted or all refused: both paths are exercised.
    assertThat(fast).isGreaterThan(500);
    assertThat(rejected).isGreaterThan(500);
  }

  @Test
  void everyVariantOfALinkIsReadAlikeOrLeftToTheSchema() throws Exception {
    int fastBefore = fast;
    int rejectedBefore = rejected;
    for (String report : realReports()) {
      ObjectNode base = (ObjectNode) JSON.readTree(report);
      JsonNode links = base.at("/chips/0/links");
      if (!links.isArray() || links.isEmpty()) {
        continue;
      }
      for (String field : LINK_FIELDS) {
        ObjectNode without = base.deepCopy();
        ((ObjectNode) without.at("/chips/0/links/0")).remove(field);
        check(JSON.writeValueAsString(without));
        for (String value : concat(VALUES, LINK_VALUES)) {
          ObjectNode changed = base.deepCopy();
          ((ObjectNode) changed.at("/chips/0/links/0")).put(field, MARK);
          check(withValue(changed, value));
        }
      }
      for (String value : concat(VALUES, LINK_VALUES)) {
        ObjectNode changed = base.deepCopy();
        ((ObjectNode) changed.at("/chips/0/links/0")).putObject("errors").put("crc", MARK);
        check(withValue(changed, value));
        changed = base.deepCopy();
        ((ObjectNode) changed.at("/chips/0")).putArray("links").add(MARK);
        check(withValue(changed, value));
      }
    }
    assertThat(fast - fastBefore).isGreaterThan(100);
    assertThat(rejected - rejectedBefore).isGreaterThan(100);
  }

  @Test
  void linksStayOnTheFastPathAndTheirDownOnesAreRead() throws Exception {
    String report = realReports().get(realReports().size() - 1);
    ObjectNode base = (ObjectNode) JSON.readTree(report);

    AgentReport read = HeartbeatReader.tryRead(JSON, report.getBytes(StandardCharsets.UTF_8));

    assertThat(read).isNotNull();
    assertThat(check(report)).isTrue();
    assertThat(read.chips())
        .filteredOn(AgentReport.Chip::hasLinkDown)
        .extracting(AgentReport.Chip::index, AgentReport.Chip::linksDown)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(3, List.of("nvlink-5")));
    assertThat(JSON.readTree(read.chipsJson())).isEqualTo(base.get("chips"));
    List<String> variants = new ArrayList<>();
    for (int count : new int[] {0, 64, 65}) {
      ObjectNode many = base.deepCopy();
      ArrayNode links = ((ObjectNode) many.at("/chips/0")).putArray("links");
      for (int i = 0; i < count; i++) {
        links.addObject().put("name", "l" + i).put("state", i % 2 == 0 ? "DOWN" : "UP");
      }
      variants.add(JSON.writeValueAsString(many));
    }
    ObjectNode counters = base.deepCopy();
    ObjectNode errors = ((ObjectNode) counters.at("/chips/0/links/0")).putObject("errors");
    for (int i = 0; i < 33; i++) {
      errors.put("c" + i, i);
    }
    variants.add(JSON.writeValueAsString(counters));
    errors.remove("c32");
    variants.add(JSON.writeValueAsString(counters));
    String first = JSON.writeValueAsString(base.at("/chips/0/links/0"));
    variants.add(report.replace(first, first.replaceFirst("\\{", "{\"state\":\"UP\",")));
    variants.add(report.replace(first, first.replaceFirst("\\{", "{\"name\":\"x\",")));
    variants.add(
        report.replace("\"errors\":{\"replay\":142", "\"errors\":{\"replay\":1,\"replay\":142"));
    variants.add(report.replace("\"errors\":{", "\"errors\":{},\"errors\":{"));

    for (String variant : variants) {
      check(variant);
    }
    assertThat(check(variants.get(0))).isTrue();
    assertThat(check(variants.get(1))).isTrue();
    assertThat(check(variants.get(2))).isFalse();
    assertThat(check(variants.get(3))).isFalse();
    assertThat(check(variants.get(4))).isTrue();
  }

  @Test
  void shapesTheFastPathLeavesAloneAreStillReadTheSameWay() throws Exception {
    String report = realReports().get(0);
    ObjectNode base = (ObjectNode) JSON.readTree(report);
    List<String> variants = new ArrayList<>();
    ObjectNode reversed = base.deepCopy();
    List<JsonNode> chips = new ArrayList<>();
    reversed.get("chips").forEach(chips::add);
    Collections.reverse(chips);
    reversed.putArray("chips").addAll(chips);
    variants.add(JSON.writeValueAsString(reversed));
    ObjectNode twice = base.deepCopy();
    ((ObjectNode) twice.get("chips").get(1)).put("index", base.at("/chips/0/index").asInt());
    variants.add(JSON.writeValueAsString(twice));
    for (int count : new int[] {0, 1, 64, 65}) {
      ObjectNode many = base.deepCopy();
      ArrayNode array = many.putArray("chips");
      for (int i = 0; i < count; i++) {
        array.add(((ObjectNode) base.at("/chips/0")).deepCopy().put("index", i));
      }
      variants.add(JSON.writeValueAsString(many));
    }
    ObjectNode withProgress = base.deepCopy();
    withProgress
        .putArray("progress")
        .addObject()
        .put("type", "progress")
        .put("step", 1)
        .put("jobId", "j")
        .put("rank", 0)
        .put("time", "2026-01-01T00:00:00Z");
    variants.add(JSON.writeValueAsString(withProgress));
    variants.add(report.replaceFirst("\\{", "{\"seq\":1,"));
    variants.add(report.replaceFirst("\"index\":", "\"index\":1,\"index\":"));
    variants.add(report + " {}");
    variants.add(report + " \n");
    variants.add(" \n" + report);
    variants.add(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(base));
    variants.add("\uFEFF" + report);
    variants.addAll(List.of("", " ", "null", "[]", "\"report\"", "{}", "{not json"));
    for (int length = 0; length < report.length(); length += 7) {
      variants.add(report.substring(0, length));
    }

    for (String variant : variants) {
      check(variant);
    }
    assertThat(check(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(base))).isTrue();
    assertThat(check(report + " \n")).isTrue();
    assertThat(check(JSON.writeValueAsString(reversed))).isFalse();
    assertThat(check(JSON.writeValueAsString(withProgress))).isFalse();
  }

  /**
   * Reads the body both ways; whatever the fast path accepts the thorough one must accept, with the
   * same report.
   *
   * @return whether the fast path took it
   */
  private boolean check(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    AgentReport heartbeat = HeartbeatReader.tryRead(JSON, bytes);
    AgentReport thorough;
    try {
      JsonNode tree = JSON.readTree(bytes);
      thorough = tree == null || tree.isMissingNode() ? null : ReportParser.parse(tree);
    } catch (BadRequestException | JacksonException e) {
      thorough = null;
    }
    if (thorough == null) {
      rejected++;
    }
    if (heartbeat == null) {
      return false;
    }
    fast++;
    assertThat(thorough)
        .as("refused by the schema, accepted by the fast path: %s", body)
        .isNotNull();
    assertThat(heartbeat.node()).isEqualTo(thorough.node());
    assertThat(heartbeat.bootId()).isEqualTo(thorough.bootId());
    assertThat(heartbeat.seq()).isEqualTo(thorough.seq());
    assertThat(heartbeat.vendor()).isEqualTo(thorough.vendor());
    assertThat(heartbeat.chips()).as(body).isEqualTo(thorough.chips());
    assertThat(JSON.readTree(heartbeat.chipsJson()))
        .as(body)
        .isEqualTo(JSON.readTree(thorough.chipsJson()));
    assertThat(heartbeat.progress()).isEqualTo(thorough.progress()).isEmpty();
    assertThat(heartbeat.checkpoints()).isEqualTo(thorough.checkpoints()).isEmpty();
    assertThat(heartbeat.malformedLines()).isEqualTo(thorough.malformedLines());
    return true;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String withValue(ObjectNode report, String value) {
    return JSON.writeValueAsString(report).replace("\"" + MARK + "\"", value);
  }

  /**
   * Reports as agents send them: from captured npu-smi and nvidia-smi output, and simulated; the
   * last ones with links read from captured hccn_tool and nvidia-smi nvlink output, some DOWN.
   */
  private static List<String> realReports() throws Exception {
    List<ChipSnapshot> snapshots = new ArrayList<>();
    for (String name :
        List.of(
            "info-8x910B1.txt",
            "info-1x910B4.txt",
            "info-4x910B3-faults.txt",
            "info-1x310P3-2chips.txt",
            "info-2x910A-older-layout.txt")) {
      snapshots.add(NpuSmiInfoParser.parse(Files.readString(FIXTURES.resolve("npu-smi/" + name))));
    }
    for (String name :
        List.of(
            "query-8xA100-header.csv",
            "query-4xT4-noheader-nounits.csv",
            "query-2xH100-event-reasons.csv")) {
      snapshots.add(
          NvidiaSmiCsvParser.parse(
              Files.readString(FIXTURES.resolve("nvidia-smi/" + name)), Map.of()));
    }
    snapshots.add(new SimCollector(8, Map.of()).collect());
    snapshots.add(
        new SimCollector(
                8,
                Map.of(
                    2,
                    new ChipState(Health.WARNING, List.of("0x80E01801")),
                    5,
                    new ChipState(Health.FAULT, List.of("0x80CB8009", "0x80E18401"))))
            .collect());
    SimCollector linkDown = new SimCollector(4, Map.of());
    linkDown.setLink(1, LinkState.DOWN);
    linkDown.setLink(2, LinkState.UNKNOWN);
    snapshots.add(linkDown.collect());
    ChipSnapshot ascend =
        NpuSmiInfoParser.parse(Files.readString(FIXTURES.resolve("npu-smi/info-8x910B1.txt")));
    Map<Integer, List<Link>> roce =
        HccnToolParser.transcript(
            Files.readString(FIXTURES.resolve("hccn_tool/transcript-8npu-npu3-down.txt")));
    snapshots.add(
        new ChipSnapshot(
            ascend.vendor(),
            ascend.chips().stream().map(c -> c.withLinks(roce.get(c.index()))).toList()));
    ChipSnapshot nvidia =
        NvidiaSmiCsvParser.parse(
            Files.readString(FIXTURES.resolve("nvidia-smi/query-8xA100-header.csv")), Map.of());
    Map<Integer, List<Link>> nvlinks =
        NvlinkParser.links(
            NvlinkParser.parse(
                Files.readString(
                    FIXTURES.resolve("nvidia-smi/nvlink-status-8xH100-gpu3-link5-inactive.txt"))),
            NvlinkParser.parse(
                Files.readString(
                    FIXTURES.resolve("nvidia-smi/nvlink-errors-8xH100-gpu3-link5-errors.txt"))),
            nvidia.chips().stream().map(Chip::index).toList());
    snapshots.add(
        new ChipSnapshot(
            nvidia.vendor(),
            nvidia.chips().stream().map(c -> c.withLinks(nvlinks.get(c.index()))).toList()));
    List<String> reports = new ArrayList<>();
    long seq = 0;
    for (ChipSnapshot snapshot : snapshots) {
      reports.add(
          new String(
              ReportJson.bytes(
                  new io.baton.agent.report.AgentReport(
                      "node-" + seq,
                      UUID.randomUUID(),
                      seq++,
                      Instant.now(),
                      snapshot.vendor(),
                      snapshot.chips(),
                      List.of(),
                      List.of(),
                      seq % 2 == 0 ? 3L : null,
                      null)),
              StandardCharsets.UTF_8));
    }
    return reports;
  }
}
