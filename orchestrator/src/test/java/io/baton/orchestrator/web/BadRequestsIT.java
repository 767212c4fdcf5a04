package io.baton.orchestrator.web;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Every client mistake gets an RFC 9457 problem with the right status, and creates nothing. */
class BadRequestsIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Api api;
  int jobsBefore;

  @BeforeEach
  void client() {
    api = new Api(port, adminToken());
    jobsBefore = jobCount();
  }

  @Test
  void malformedJsonIs400() {
    JsonNode problem = api.post("/api/v1/jobs", "{\"name\": ").problem(400, "malformed-json");

    assertThat(problem.get("detail").asString()).contains("line 1");
    assertThat(jobCount()).isEqualTo(jobsBefore);
  }

  @Test
  void emptyBodyIs400() {
    api.post("/api/v1/jobs", "").problem(400, "malformed-json");
  }

  @Test
  void bodyThatIsNotAnObjectIs400() {
    api.post("/api/v1/jobs", "[1, 2]").problem(400, "invalid-job-spec");
    api.post("/api/v1/jobs", "null").problem(400, "invalid-job-spec");
  }

  @Test
  void wrongMediaTypeIs415() {
    api.send(
            HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(aSpec().json())))
        .problem(415, "unsupported-media-type");
    assertThat(jobCount()).isEqualTo(jobsBefore);
  }

  @Test
  void bodyOverOneMebibyteIs413WhetherSizedOrChunked() {
    String padding = " ".repeat(1024 * 1024);
    String big = aSpec().json().replaceFirst("\\{", "{" + padding);

    api.post("/api/v1/jobs", big).problem(413, "payload-too-large");
    api.send(
            HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes()))))
        .problem(413, "payload-too-large");
    assertThat(jobCount()).isEqualTo(jobsBefore);
    assertThat(
            api.post(
                    "/api/v1/jobs",
                    aSpec().json().replaceFirst("\\{", "{" + " ".repeat(1000 * 1000)))
                .status())
        .isEqualTo(201);
  }

  @Test
  void serverOwnedFieldsAre400NamingEachField() {
    JsonNode problem =
        api.post(
                "/api/v1/jobs",
                aSpec().with("id", "abc").with("state", "RUNNING").with("restarts", 2).json())
            .problem(400, "server-owned-field");

    assertThat(fields(problem)).containsExactly("id", "restarts", "state");
    assertThat(jobCount()).isEqualTo(jobsBefore);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "name|",
        "team|",
        "pool|",
        "command|",
        "chipsPerNode|",
      })
  void missingRequiredFieldIs400NamingIt(String field, String unused) {
    JsonNode problem =
        api.post("/api/v1/jobs", aSpec().without(field).json()).problem(400, "invalid-job-spec");

    assertThat(fields(problem)).contains(field);
  }

  @Test
  void schemaViolationsAre400NamingTheFields() {
    JsonNode problem =
        api.post(
                "/api/v1/jobs",
                aSpec()
                    .with("name", "Not A DNS Label")
                    .with("nodes", 0)
                    .with("chipsPerNode", "eight")
                    .with("checkpoint", Map.of("everySteps", 0, "dir", "/ckpt"))
                    .with("gpus", 4)
                    .json())
            .problem(400, "invalid-job-spec");

    assertThat(fields(problem))
        .contains("name", "nodes", "chipsPerNode", "checkpoint.everySteps", "gpus");
    assertThat(problem.get("detail").asString()).contains("nodes");
  }

  @Test
  void unknownPoolIs422NamingThePool() {
    JsonNode problem =
        api.post("/api/v1/jobs", aSpec().with("pool", "tpu-v5").json())
            .problem(422, "job-spec-rejected");

    assertThat(fields(problem)).containsExactly("pool");
    assertThat(problem.get("detail").asString()).contains("tpu-v5");
  }

  @Test
  void trainingJobOnAnInferencePoolIs422() {
    JsonNode problem =
        api.post("/api/v1/jobs", aSpec().with("pool", "nvidia-h100").json())
            .problem(422, "job-spec-rejected");

    assertThat(fields(problem)).containsExactly("pool");
    assertThat(problem.get("detail").asString()).contains("INFERENCE");
  }

  @Test
  void moreChipsOrNodesThanThePoolHasIs422() {
    JsonNode problem =
        api.post("/api/v1/jobs", aSpec().with("chipsPerNode", 16).with("nodes", 64).json())
            .problem(422, "job-spec-rejected");

    assertThat(fields(problem)).containsExactly("chipsPerNode", "nodes");
    assertThat(jobCount()).isEqualTo(jobsBefore);
  }

  @Test
  void launchContractEnvIs422() {
    JsonNode problem =
        api.post("/api/v1/jobs", aSpec().with("env", Map.of("BATON_JOB_ID", "x")).json())
            .problem(422, "job-spec-rejected");

    assertThat(fields(problem)).containsExactly("env.BATON_JOB_ID");
  }

  @Test
  void unknownPathAndMethodAreProblems() {
    api.get("/api/v1/nothing-here").problem(404, "not-found");
    api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs")).DELETE())
        .problem(405, "method-not-allowed");
    api.get("/api/v1/pools/no-such-pool").problem(404, "not-found");
  }

  private int jobCount() {
    return jdbc.sql("SELECT count(*) FROM jobs").query(Integer.class).single();
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
    return fields;
  }
}
