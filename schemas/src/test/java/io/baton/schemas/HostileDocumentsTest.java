package io.baton.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a hostile client sends is reported as violations naming the field, never thrown: numbers
 * beyond any Java type, NUL and control characters. And every number a client sends is bounded by
 * the schemas, so nothing the validator accepts overflows the Java type it is read into.
 */
class HostileDocumentsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SPEC =
      "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1";
  private static final List<String> HUGE =
      List.of(
          "-1e308",
          "1e308",
          "1E400",
          "-1e400",
          "1.5e300",
          "1e19",
          "-9223372036854775809",
          "1000000000000000000000000000000.5",
          "1e100000000",
          "9".repeat(400),
          "-" + "9".repeat(400));

  static Stream<Arguments> hugeNumbersInIntegerAndNumberFields() {
    List<Arguments> cases = new ArrayList<>();
    for (String n : HUGE) {
      cases.add(Arguments.of("job-spec", SPEC + ",\"nodes\":" + n + "}", "nodes", n, "1", "4096"));
      cases.add(
          Arguments.of(
              "job-spec", SPEC + ",\"chipsPerNode\":" + n + "}", "chipsPerNode", n, "1", "64"));
      cases.add(
          Arguments.of(
              "job-spec",
              SPEC + ",\"checkpoint\":{\"dir\":\"/c\",\"everySteps\":" + n + "}}",
              "checkpoint.everySteps",
              n,
              "1",
              "2147483647"));
      cases.add(
          Arguments.of(
              "job-spec",
              SPEC + ",\"promotion\":{\"endpoint\":\"e\",\"parity\":{\"absTolerance\":" + n + "}}}",
              "promotion.parity.absTolerance",
              n,
              "0",
              "1e300"));
      cases.add(
          Arguments.of(
              "promotion-request",
              "{\"checkpointId\":\"00000000-0000-0000-0000-000000000000\",\"endpoint\":\"e\","
                  + "\"thresholds\":{\"acc\":{\"min\":"
                  + n
                  + "}}}",
              "thresholds.acc.min",
              n,
              "-1e300",
              "1e300"));
      cases.add(
          Arguments.of(
              "rollback-request", "{\"revision\":" + n + "}", "revision", n, "1", "2147483647"));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource
  void hugeNumbersInIntegerAndNumberFields(
      String schema, String json, String field, String value, String min, String max) {
    BigDecimal n = new BigDecimal(value);
    boolean within = n.compareTo(new BigDecimal(min)) >= 0 && n.compareTo(new BigDecimal(max)) <= 0;

    List<Violation> violations = BatonSchemas.validate(schema, JSON.readTree(json));

    if (within) {
      assertThat(violations).extracting(Violation::field).as(json).doesNotContain(field);
    } else {
      assertThat(violations).extracting(Violation::field).as(json).contains(field);
    }
    assertThat(violations).allSatisfy(v -> assertThat(v.message()).isNotBlank());
  }

  @Test
  void aValueOutOfALongIsReportedAndTheDocumentIsNotChanged() {
    JsonNode document = JSON.readTree(SPEC + ",\"nodes\":-1e308}");
    String before = document.toString();

    List<Violation> violations = BatonSchemas.validate("job-spec", document);

    assertThat(violations)
        .anySatisfy(
            v -> {
              assertThat(v.field()).isEqualTo("nodes");
              assertThat(v.keyword()).isEqualTo("minimum");
            });
    assertThat(document.toString()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"pool\":\"a\\u0000b\"",
        "\"image\":\"img\\u0001\"",
        "\"labels\":{\"k\":\"v\\n\"}",
        "\"checkpoint\":{\"dir\":\"/c\\u0000\"}",
        "\"checkpoint\":{\"uri\":\"s3://b/c d\"}",
        "\"env\":{\"A\":\"x\\u0000y\"}",
        "\"promotion\":{\"endpoint\":\"e\",\"select\":\"best\",\"metric\":\"m\\u0000\"}",
        "\"promotion\":{\"endpoint\":\"e\",\"thresholds\":{\"a\\u0000\":{\"min\":1}}}",
        "\"promotion\":{\"endpoint\":\"e\",\"converter\":{\"command\":[\"c\\u0000\"]}}",
      })
  void nulAndControlCharactersInSpecStringsAreViolations(String member) {
    List<Violation> violations =
        BatonSchemas.validate("job-spec", JSON.readTree(SPEC + "," + member + "}"));

    assertThat(violations).isNotEmpty();
  }

  @Test
  void argumentsAndEnvironmentMayHoldLineBreaksAndTabs() {
    String spec =
        SPEC.replace("[\"x\"]", "[\"sh\",\"-c\",\"echo a\\n\\techo b\"]")
            + ",\"env\":{\"SCRIPT\":\"line1\\nline2\"}}";

    assertThat(BatonSchemas.validate("job-spec", JSON.readTree(spec))).isEmpty();
  }

  @Test
  void freeTextMayHoldLinesButNoNul() {
    assertThat(
            BatonSchemas.validate(
                "rollback-request", JSON.readTree("{\"reason\":\"bad canary\\nsee #12\"}")))
        .isEmpty();
    assertThat(
            BatonSchemas.validate(
                "rollback-request", JSON.readTree("{\"reason\":\"bad\\u0000canary\"}")))
        .extracting(Violation::field)
        .containsExactly("reason");
    assertThat(
            BatonSchemas.validate(
                "webhook-subscription",
                JSON.readTree("{\"url\":\"http://h/x\\u0000\",\"events\":[\"*\"]}")))
        .extracting(Violation::field)
        .containsExactly("url");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "job-spec",
        "promotion-request",
        "rollback-request",
        "webhook-subscription",
        "agent-report"
      })
  void everyIntegerAndNumberIsBoundedWithinItsJavaType(String schema) throws IOException {
    JsonNode root = JSON.readTree(Files.readString(Path.of(schema + ".schema.json")));
    List<String> unbounded = new ArrayList<>();
    walk(root, "", unbounded);

    assertThat(unbounded).as("integers and numbers without bounds in %s", schema).isEmpty();
  }

  private static void walk(JsonNode node, String at, List<String> unbounded) {
    if (node.isObject()) {
      JsonNode type = node.get("type");
      if (type != null
          && (type.isString() || type.isArray())
          && (has(type, "integer") || has(type, "number"))) {
        check(node, at, has(type, "integer"), unbounded);
      }
      node.properties().forEach(p -> walk(p.getValue(), at + "/" + p.getKey(), unbounded));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), at + "/" + i, unbounded);
      }
    }
  }

  private static void check(JsonNode node, String at, boolean integer, List<String> unbounded) {
    BigDecimal limit = integer ? BigDecimal.valueOf(Long.MAX_VALUE) : new BigDecimal("1e300");
    JsonNode min = node.get("minimum");
    JsonNode max = node.get("maximum");
    if (min == null || max == null) {
      unbounded.add(at + " has no " + (min == null ? "minimum" : "maximum"));
      return;
    }
    if (max.decimalValue().compareTo(limit) > 0
        || min.decimalValue().compareTo(limit.negate()) < 0) {
      unbounded.add(at + " is bounded beyond " + limit);
    }
  }

  private static boolean has(JsonNode type, String name) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (name.equals(t.asString())) {
          return true;
        }
      }
      return false;
    }
    return name.equals(type.asString());
  }

  @Test
  void aHugeExponentIsNotExpanded() {
    assertThatCode(
            () ->
                BatonSchemas.validate(
                    "job-spec", JSON.readTree(SPEC + ",\"priority\":1e1000000000}")))
        .doesNotThrowAnyException();
  }
}
