package io.baton.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BatonSchemasTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path EXAMPLES = Path.of("..", "examples", "jobs");

  static Stream<Path> exampleJobs() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      List<Path> jobs = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertThat(jobs).as("example job specs under %s", EXAMPLES).isNotEmpty();
      return jobs.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("exampleJobs")
  void everyExampleJobIsAValidSpec(Path file) {
    JsonNode spec = JSON.readTree(file.toFile());

    assertThat(BatonSchemas.validate(BatonSchemas.JOB_SPEC, spec)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1}|name|required",
        "{\"name\":\"Bad_Name\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1}|name|pattern",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[],\"chipsPerNode\":1}|command|minItems",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":0}|chipsPerNode|minimum",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":\"8\"}|chipsPerNode|type",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,\"gpus\":2}|gpus|additionalProperties",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,\"checkpoint\":{\"everySteps\":0,\"dir\":\"/c\"}}|checkpoint.everySteps|minimum",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\",3],\"chipsPerNode\":1}|command[1]|type",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,\"promotion\":{\"select\":\"best\",\"endpoint\":\"e\"}}|promotion.metric|required",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,\"secretEnv\":[\"A\",\"A\"]}|secretEnv|uniqueItems",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,\"secretEnv\":[\"not-a-name\"]}|secretEnv[0]|pattern",
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,\"stragglerPolicy\":\"always\"}|stragglerPolicy|enum",
      })
  void invalidSpecsNameTheField(String json, String field, String keyword) {
    List<Violation> violations = BatonSchemas.validate(BatonSchemas.JOB_SPEC, JSON.readTree(json));

    assertThat(violations)
        .anySatisfy(
            v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.keyword()).isEqualTo(keyword);
              assertThat(v.message()).isNotBlank();
            });
  }

  @Test
  void secretEnvNamesEnvEntries() {
    String spec =
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,"
            + "\"env\":{\"WANDB_API_KEY\":\"k\",\"LR\":\"0.1\"},\"secretEnv\":[\"WANDB_API_KEY\"]}";

    assertThat(BatonSchemas.validate(BatonSchemas.JOB_SPEC, JSON.readTree(spec))).isEmpty();
  }

  @Test
  void aSpecMayNameAStragglerPolicy() {
    for (String policy : List.of("observe", "avoid", "replace")) {
      String spec =
          "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,"
              + "\"stragglerPolicy\":\""
              + policy
              + "\"}";

      assertThat(BatonSchemas.validate(BatonSchemas.JOB_SPEC, JSON.readTree(spec))).isEmpty();
    }
  }

  @Test
  void checkpointTakesDirOrUriNotBoth() {
    String both =
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,"
            + "\"checkpoint\":{\"dir\":\"/c\",\"uri\":\"s3://b/c\"}}";

    assertThat(BatonSchemas.validate(BatonSchemas.JOB_SPEC, JSON.readTree(both)))
        .extracting(Violation::field)
        .contains("checkpoint");
    String retentionOnly =
        "{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":1,"
            + "\"checkpoint\":{\"keepLast\":2}}";
    assertThat(BatonSchemas.validate(BatonSchemas.JOB_SPEC, JSON.readTree(retentionOnly)))
        .isEmpty();
  }

  @Test
  void promotionRequestsAreValidated() {
    String valid =
        "{\"checkpointId\":\"0b6f3c1e-8f7e-4a53-9d2a-4c0f1c9a7e11\",\"endpoint\":\"demo\","
            + "\"thresholds\":{\"eval_accuracy\":{\"min\":0.8}},\"replicas\":2}";
    assertThat(BatonSchemas.validate(BatonSchemas.PROMOTION_REQUEST, JSON.readTree(valid)))
        .isEmpty();
    String invalid =
        "{\"checkpointId\":\"nope\",\"endpoint\":\"Not_A_Name\",\"replicas\":0,\"extra\":1}";
    assertThat(BatonSchemas.validate(BatonSchemas.PROMOTION_REQUEST, JSON.readTree(invalid)))
        .extracting(Violation::field)
        .contains("checkpointId", "endpoint", "replicas");
    assertThat(
            BatonSchemas.validate(BatonSchemas.ROLLBACK_REQUEST, JSON.readTree("{\"revision\":0}")))
        .extracting(Violation::field)
        .contains("revision");
  }

  @Test
  void jobResourceEmbedsTheSpecSchema() {
    String resource =
        "{\"id\":\"0b6f3c1e-8f7e-4a53-9d2a-4c0f1c9a7e11\",\"state\":\"QUEUED\","
            + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\","
            + "\"restarts\":0,\"attempt\":0,\"version\":0,"
            + "\"spec\":{\"name\":\"a\",\"team\":\"t\",\"pool\":\"p\",\"command\":[\"x\"],\"chipsPerNode\":-1}}";

    assertThat(BatonSchemas.validate(BatonSchemas.JOB, JSON.readTree(resource)))
        .extracting(Violation::field)
        .containsExactly("spec.chipsPerNode");
  }
}
