package io.baton.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Chip;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.Vendor;
import io.baton.agent.collect.sim.SimCollector;
import io.baton.schemas.Violation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The report the agent writes against the schema the orchestrator validates with. */
class AgentReportSchemaTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void aFullReportIsValidAndOmitsMissingValues() {
    Chip full =
        new Chip(
            3,
            0,
            "910B1",
            Health.FAULT,
            "Alarm",
            "0000:C1:00.0",
            null,
            91.5,
            33,
            0,
            3377L,
            65536L,
            List.of("80E01801"),
            List.of("npu-smi health: Alarm"),
            Map.of("Hugepages-Usage(page)", "0 / 0"));
    Chip sparse =
        new Chip(
            4,
            null,
            null,
            Health.UNKNOWN,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    AgentReport report =
        new AgentReport(
            "node-a",
            UUID.randomUUID(),
            7,
            Instant.parse("2026-03-01T10:00:00.123Z"),
            Vendor.ASCEND,
            List.of(full, sparse),
            List.of(progress()),
            List.of(checkpoint()),
            3L,
            null);

    JsonNode json = JSON.readTree(ReportJson.bytes(report));

    assertThat(Fixtures.reportViolations(json)).isEmpty();
    assertThat(json.get("sentAt").asString()).isEqualTo("2026-03-01T10:00:00.123Z");
    assertThat(json.get("chips").get(1).propertyNames())
        .containsExactlyInAnyOrder("index", "health");
    assertThat(json.get("chips").get(0).get("tempC").asInt()).isEqualTo(33);
    assertThat(json.get("chips").get(0).get("utilizationPct").asInt()).isZero();
    assertThat(json.has("droppedProgress")).isFalse();
    assertThat(json.get("progress").get(0).get("gpuHours").asDouble()).isEqualTo(1.5);
    assertThat(json.get("progress").get(0).get("stepMs").asDouble()).isEqualTo(84.2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/extra|\"x\"|extra|additionalProperties",
        "/vendor|\"amd\"|vendor|enum",
        "/seq|-1|seq|minimum",
        "/chips/0/health|\"BROKEN\"|chips[0].health|enum",
        "/chips/0/raw|{\"k\":1}|chips[0].raw.k|type",
        "/chips/0/colour|\"red\"|chips[0].colour|additionalProperties",
        "/progress/0/step|\"one\"|progress[0].step|type",
        "/progress/0/stepMs|-1|progress[0].stepMs|minimum",
        "/progress/0/computeMs|\"12\"|progress[0].computeMs|type",
        "/checkpoints/0/path|\"\"|checkpoints[0].path|minLength"
      })
  void brokenReportsAreRefusedByField(String pointer, String value, String field, String keyword) {
    ObjectNode json = (ObjectNode) JSON.readTree(ReportJson.bytes(validReport()));
    String parent = pointer.substring(0, pointer.lastIndexOf('/'));
    String name = pointer.substring(pointer.lastIndexOf('/') + 1);
    ((ObjectNode) (parent.isEmpty() ? json : json.at(parent))).set(name, JSON.readTree(value));

    assertThat(Fixtures.reportViolations(json))
        .extracting(Violation::field, Violation::keyword)
        .contains(org.assertj.core.groups.Tuple.tuple(field, keyword));
  }

  @Test
  void linksAreWrittenAndValidAndAChipWithoutLinksOmitsThem() {
    Chip withLinks =
        new SimCollector(1, Map.of())
            .collect()
            .chips()
            .get(0)
            .withLinks(
                List.of(
                    new Link(
                        "nvlink-0",
                        LinkState.UP,
                        new java.util.TreeMap<>(Map.of("crc", 0L, "replay", 2L))),
                    new Link("nvlink-1", LinkState.DOWN),
                    new Link("roce", LinkState.UNKNOWN)));
    Chip without = withLinks.withLinks(List.of());
    AgentReport report =
        new AgentReport(
            "node-a",
            UUID.randomUUID(),
            0,
            Instant.now(),
            Vendor.NVIDIA,
            List.of(
                withLinks,
                new Chip(
                    1, null, null, Health.OK, null, null, null, null, null, null, null, null, null,
                    null, null)),
            List.of(),
            List.of(),
            null,
            null);

    JsonNode json = JSON.readTree(ReportJson.bytes(report));

    assertThat(Fixtures.reportViolations(json)).isEmpty();
    assertThat(json.at("/chips/0/links").toString())
        .isEqualTo(
            "[{\"name\":\"nvlink-0\",\"state\":\"UP\",\"errors\":{\"crc\":0,\"replay\":2}},"
                + "{\"name\":\"nvlink-1\",\"state\":\"DOWN\"},"
                + "{\"name\":\"roce\",\"state\":\"UNKNOWN\"}]");
    assertThat(json.at("/chips/1").has("links")).isFalse();
    assertThat(
            JSON.readTree(
                    ReportJson.bytes(
                        new AgentReport(
                            "n",
                            UUID.randomUUID(),
                            0,
                            Instant.now(),
                            Vendor.SIM,
                            List.of(without),
                            List.of(),
                            List.of(),
                            null,
                            null)))
                .at("/chips/0")
                .has("links"))
        .isFalse();
  }

  @Test
  void memoryErrorStatesAreWrittenAndValidAndOlderReportsWithoutThemStayValid() throws Exception {
    Chip gpu =
        io.baton.agent.collect.nvidia.NvidiaSmiCsvParser.parse(
                Fixtures.read("nvidia-smi/query-4xA100-memory-errors.csv"), Map.of())
            .chips()
            .get(2);
    JsonNode json =
        JSON.readTree(
            ReportJson.bytes(
                new AgentReport(
                    "gpu-1",
                    UUID.randomUUID(),
                    0,
                    Instant.now(),
                    Vendor.NVIDIA,
                    List.of(gpu),
                    List.of(),
                    List.of(),
                    null,
                    null)));

    assertThat(Fixtures.reportViolations(json)).isEmpty();
    assertThat(json.at("/chips/0/memoryErrors").toString())
        .isEqualTo("[\"uncorrected\",\"retired-pages-pending\"]");
    ((ObjectNode) json.at("/chips/0")).remove("memoryErrors");
    assertThat(Fixtures.reportViolations(json)).as("a report from an older agent").isEmpty();
    ((ObjectNode) json.at("/chips/0")).set("memoryErrors", JSON.readTree("[\"melted\"]"));
    assertThat(Fixtures.reportViolations(json))
        .extracting(Violation::field, Violation::keyword)
        .contains(org.assertj.core.groups.Tuple.tuple("chips[0].memoryErrors[0]", "enum"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "[{\"name\":\"nvlink-0\",\"state\":\"FLAPPING\"}]|chips[0].links[0].state|enum",
        "[{\"name\":\"nvlink-0\"}]|chips[0].links[0].state|required",
        "[{\"state\":\"UP\"}]|chips[0].links[0].name|required",
        "[{\"name\":\"\",\"state\":\"UP\"}]|chips[0].links[0].name|minLength",
        "[{\"name\":\"a\\nb\",\"state\":\"UP\"}]|chips[0].links[0].name|pattern",
        "[{\"name\":\"a\\u0000\",\"state\":\"UP\"}]|chips[0].links[0].name|pattern",
        "[{\"name\":\"link\\n\",\"state\":\"UP\"}]|chips[0].links[0].name|pattern",
        "[{\"name\":\"a\",\"state\":\"UP\",\"speed\":1}]|chips[0].links[0].speed|additionalProperties",
        "[{\"name\":\"a\",\"state\":\"UP\",\"errors\":{\"crc\":-1}}]|chips[0].links[0].errors.crc|minimum",
        "[{\"name\":\"a\",\"state\":\"UP\",\"errors\":{\"crc\":1.5}}]|chips[0].links[0].errors.crc|type",
        "[{\"name\":\"a\",\"state\":\"UP\",\"errors\":{\"CRC Errors\":1}}]|chips[0].links[0].errors|propertyNames",
        "{\"name\":\"a\",\"state\":\"UP\"}|chips[0].links|type",
        "[\"UP\"]|chips[0].links[0]|type"
      })
  void brokenLinksAreRefusedByField(String links, String field, String keyword) {
    ObjectNode json = (ObjectNode) JSON.readTree(ReportJson.bytes(validReport()));
    ((ObjectNode) json.at("/chips/0")).set("links", JSON.readTree(links));

    assertThat(Fixtures.reportViolations(json))
        .extracting(Violation::field, Violation::keyword)
        .contains(org.assertj.core.groups.Tuple.tuple(field, keyword));
  }

  @Test
  void linksAndTheirCountersAreBounded() {
    ObjectNode json = (ObjectNode) JSON.readTree(ReportJson.bytes(validReport()));
    var links = ((ObjectNode) json.at("/chips/0")).putArray("links");
    for (int i = 0; i < 65; i++) {
      links.addObject().put("name", "nvlink-" + i).put("state", "UP");
    }
    ObjectNode errors =
        ((ObjectNode) json.at("/chips/1"))
            .putArray("links")
            .addObject()
            .put("name", "x".repeat(65))
            .put("state", "UP")
            .putObject("errors");
    for (int i = 0; i < 33; i++) {
      errors.put("c" + i, i);
    }

    assertThat(Fixtures.reportViolations(json))
        .extracting(Violation::field, Violation::keyword)
        .contains(
            org.assertj.core.groups.Tuple.tuple("chips[0].links", "maxItems"),
            org.assertj.core.groups.Tuple.tuple("chips[1].links[0].name", "maxLength"),
            org.assertj.core.groups.Tuple.tuple("chips[1].links[0].errors", "maxProperties"));
  }

  @Test
  void nullLinksAreAllowedLikeEveryOtherOptionalChipField() {
    ObjectNode json = (ObjectNode) JSON.readTree(ReportJson.bytes(validReport()));
    ((ObjectNode) json.at("/chips/0")).putNull("links");

    assertThat(Fixtures.reportViolations(json)).isEmpty();
  }

  @Test
  void progressEntriesNeedTheirSource() {
    ObjectNode json = (ObjectNode) JSON.readTree(ReportJson.bytes(validReport()));
    ((ObjectNode) json.at("/progress/0")).remove("jobId");

    assertThat(Fixtures.reportViolations(json))
        .extracting(Violation::field)
        .contains("progress[0].jobId");
  }

  @Test
  void atMost64Chips() {
    ObjectNode json = (ObjectNode) JSON.readTree(ReportJson.bytes(validReport()));
    var chips = json.putArray("chips");
    for (int i = 0; i < 65; i++) {
      chips.addObject().put("index", i).put("health", "OK");
    }

    assertThat(Fixtures.reportViolations(json)).extracting(Violation::keyword).contains("maxItems");
  }

  private static AgentReport validReport() {
    return new AgentReport(
        "node-a",
        UUID.randomUUID(),
        0,
        Instant.now(),
        Vendor.SIM,
        new SimCollector(2, Map.of()).collect().chips(),
        List.of(progress()),
        List.of(checkpoint()),
        null,
        null);
  }

  private static ObjectNode progress() {
    return (ObjectNode)
        JSON.readTree(
            "{\"type\":\"progress\",\"step\":120,\"totalSteps\":1000,\"loss\":0.52,"
                + "\"samplesPerSec\":812.5,\"stepMs\":84.2,\"computeMs\":61.5,"
                + "\"metrics\":{\"lr\":0.001},\"gpuHours\":1.5,"
                + "\"jobId\":\"job-1\",\"rank\":0,\"time\":\"2026-03-01T10:00:00Z\"}");
  }

  private static ObjectNode checkpoint() {
    return (ObjectNode)
        JSON.readTree(
            "{\"type\":\"checkpoint\",\"step\":100,\"path\":\"step-100\",\"format\":\"safetensors\","
                + "\"sha256\":\"ab\",\"sizeBytes\":5120,\"metrics\":{\"eval_accuracy\":0.91},"
                + "\"golden\":\"step-100/golden.json\",\"jobId\":\"job-1\",\"rank\":0,"
                + "\"attempt\":1,\"time\":\"2026-03-01T10:00:00Z\"}");
  }
}
