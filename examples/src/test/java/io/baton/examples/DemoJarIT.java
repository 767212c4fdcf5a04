package io.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The packaged {@code baton-examples.jar}, run the way the local backend runs it. */
class DemoJarIT {

  private static final Path JAR =
      Path.of(System.getProperty("basedir", "."), "target", "baton-examples.jar");
  private static final String[] TRAIN = {"train", "--steps", "300", "--checkpoint-every", "100"};

  @TempDir Path dir;
  private Path uninterrupted;

  @BeforeEach
  void trainUninterruptedInProcess() {
    uninterrupted = dir.resolve("uninterrupted");
    assertThat(JAR).isRegularFile();
    assertThat(
            Runs.demo(Runs.soloEnv(uninterrupted), withFlags(TRAIN, "--step-millis", "0"))
                .exitCode())
        .isZero();
  }

  @Test
  void aRankKilledAfterACheckpointResumesToTheSameWeights() throws Exception {
    Path crashed = dir.resolve("crashed");
    Map<String, String> env = Runs.soloEnv(crashed);
    try (ChildProcess first =
        ChildProcess.jar(JAR, dir, "first", env, withFlags(TRAIN, "--step-millis", "4"))) {
      ChildProcess.await(
          Duration.ofSeconds(20), "checkpoint 100", () -> checkpointWritten(crashed, 100));
      first.process().destroyForcibly().waitFor();
    }
    assertThat(Runs.checkpoints(crashed).resolve("step-300")).doesNotExist();
    env.put("BATON_RESUME_FROM", Runs.checkpoints(crashed).resolve("step-100").toString());
    env.put("BATON_PROGRESS_FILE", crashed.resolve("attempt-2.jsonl").toString());

    try (ChildProcess second =
        ChildProcess.jar(JAR, dir, "second", env, withFlags(TRAIN, "--step-millis", "0"))) {
      assertThat(second.exitWithin(Duration.ofSeconds(20))).as(second.err()).isZero();
    }

    assertThat(
            Runs.lines(crashed.resolve("attempt-2.jsonl"), "progress").get(0).get("step").asInt())
        .isEqualTo(101);
    assertThat(Runs.checkpoints(crashed).resolve("step-300/model.safetensors"))
        .hasSameBinaryContentAs(
            Runs.checkpoints(uninterrupted).resolve("step-300/model.safetensors"));
  }

  @Test
  void theJarServesACheckpointOnThePortItPrints() throws Exception {
    Path step = Runs.checkpoints(uninterrupted).resolve("step-300");
    try (ChildProcess serve =
        ChildProcess.jar(
            JAR, dir, "serve", Map.of(), "serve", "--checkpoint", step.toString(), "--port", "0")) {
      ChildProcess.await(Duration.ofSeconds(15), "LISTENING", () -> serve.out().endsWith("\n"));
      assertThat(serve.out()).matches("LISTENING \\d+\n");
      int port = Integer.parseInt(serve.out().trim().substring("LISTENING ".length()));
      HttpClient http = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + port);

      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(base.resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode golden = Json.MAPPER.readTree(Files.readAllBytes(step.resolve("golden.json")));
      String request = Json.MAPPER.writeValueAsString(Map.of("inputs", golden.get("inputs")));
      HttpResponse<String> predict =
          http.send(
              HttpRequest.newBuilder(base.resolve("/v1/predict"))
                  .POST(HttpRequest.BodyPublishers.ofString(request))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(health.body()).get("step").asInt()).isEqualTo(300);
      assertThat(predict.statusCode()).isEqualTo(200);
      JsonNode outputs = Json.MAPPER.readTree(predict.body()).get("outputs");
      for (int i = 0; i < Dataset.GOLDEN_SIZE; i++) {
        assertThat(outputs.get(i).get(0).asDouble())
            .isCloseTo(golden.get("outputs").get(i).get(0).asDouble(), Offset.offset(1e-6));
      }
      serve.process().destroy();
      assertThat(serve.process().waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }

  private static boolean checkpointWritten(Path dir, int step) {
    try {
      return Files.isRegularFile(Runs.progressFile(dir, 0))
          && Files.readAllLines(Runs.progressFile(dir, 0)).stream()
              .anyMatch(l -> l.contains("\"type\":\"checkpoint\",\"step\":" + step + ","));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String[] withFlags(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
