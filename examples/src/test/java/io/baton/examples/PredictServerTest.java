package io.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class PredictServerTest {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private PredictServer server;
  private Path step;

  @BeforeEach
  void trainAndServe() {
    Runs.Result run = Runs.demo(Runs.soloEnv(dir), "train", "--steps", "200", "--step-millis", "0");
    assertThat(run.exitCode()).as(run.err()).isZero();
    step = Runs.checkpoints(dir).resolve("step-200");
    server =
        PredictServer.start(
            PredictServer.Options.from(Map.of(), List.of("--checkpoint", step.toString())));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void healthzNamesTheCheckpointItServes() throws Exception {
    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(response.body());
    assertThat(body.get("status").asString()).isEqualTo("ok");
    assertThat(body.get("step").asInt()).isEqualTo(200);
    assertThat(body.get("sha256").asString())
        .isEqualTo(Runs.sha256(step.resolve("model.safetensors")));
    assertThat(body.get("sha256").asString())
        .isEqualTo(
            Runs.lines(Runs.progressFile(dir, 0), "checkpoint").get(1).get("sha256").asString());
  }

  @Test
  void predictionsReproduceTheGoldenSet() throws Exception {
    JsonNode golden = Json.MAPPER.readTree(Files.readAllBytes(step.resolve("golden.json")));
    String request = Json.MAPPER.writeValueAsString(Map.of("inputs", golden.get("inputs")));

    HttpResponse<String> response = post("/v1/predict", request);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode outputs = Json.MAPPER.readTree(response.body()).get("outputs");
    JsonNode expected = golden.get("outputs");
    assertThat(outputs.size()).isEqualTo(Dataset.GOLDEN_SIZE).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(outputs.get(i).size()).isEqualTo(1);
      assertThat(outputs.get(i).get(0).asDouble())
          .isBetween(0.0, 1.0)
          .isCloseTo(expected.get(i).get(0).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void malformedInputIsABadRequestProblem() throws Exception {
    String wide = "[" + "1,".repeat(24) + "1]";
    String row = "[" + "0.5,".repeat(23) + "0.5]";
    for (String body :
        List.of(
            "{\"inputs\":[" + wide + "]}",
            "{\"inputs\":[[1,2]]}",
            "{\"inputs\":[" + row.replaceFirst("0.5", "\"0.5\"") + "]}",
            "{\"inputs\":[" + row.replaceFirst("0.5", "null") + "]}",
            "{\"inputs\":[" + row.replaceFirst("0.5", "1e300") + "]}",
            "{\"inputs\":" + row + "}",
            "{\"input\":[" + row + "]}",
            "{\"inputs\":[" + row + "]",
            "{\"inputs\":[" + row + "]} trailing",
            "[]",
            "")) {
      HttpResponse<String> response = post("/v1/predict", body);

      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
      JsonNode problem = Json.MAPPER.readTree(response.body());
      assertThat(problem.get("status").asInt()).isEqualTo(400);
      assertThat(problem.get("detail").asString()).isNotBlank();
    }
    assertThat(post("/v1/predict", "{\"inputs\":[" + row + "," + row + "]}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void wrongMethodsAndPathsAreProblemsToo() throws Exception {
    assertThat(get("/v1/predict").statusCode()).isEqualTo(405);
    assertThat(post("/healthz", "{}").statusCode()).isEqualTo(405);
    assertThat(get("/healthzz").statusCode()).isEqualTo(404);
    assertThat(get("/").statusCode()).isEqualTo(404);
  }

  @Test
  void servingACorruptCheckpointExitsWithOneLine() throws Exception {
    Path model = step.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length - 1] = 0;
    Path truncated =
        Files.write(
            dir.resolve("truncated.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 2));

    Runs.Result result = Runs.demo(Map.of(), "serve", "--checkpoint", truncated.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines())
        .hasSize(1)
        .first()
        .asString()
        .startsWith("baton-demo: ")
        .contains("truncated.safetensors");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void thePortComesFromTheFlagThenThePortVariable() {
    assertThat(
            PredictServer.Options.from(Map.of("PORT", "8081"), List.of("--checkpoint", "x")).port())
        .isEqualTo(8081);
    assertThat(
            PredictServer.Options.from(
                    Map.of("PORT", "8081"), List.of("--checkpoint", "x", "--port", "0"))
                .port())
        .isZero();
    assertThat(PredictServer.Options.from(Map.of(), List.of("--checkpoint=x")).port()).isZero();
    assertThat(Runs.demo(Map.of(), "serve").exitCode()).isEqualTo(2);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
