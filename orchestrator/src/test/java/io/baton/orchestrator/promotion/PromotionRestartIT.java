package io.baton.orchestrator.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A promotion survives its orchestrator: SIGKILL while it is ROLLING_OUT, start again on the same
 * data directory, and it completes — once: one revision, one rollout, every gate recorded once.
 */
class PromotionRestartIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofSeconds(120);
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();

  /** Replicas that take a second to load, so the kill lands while the rollout is in flight. */
  private static final String[] ARGS = {
    "--baton.cluster.local.agent-interval=500ms",
    "--baton.promotion.reconcile-interval=200ms",
    "--baton.endpoints.reconcile-interval=200ms",
    "--baton.endpoints.server-command=sh,-c,sleep 1; exec java -Xmx64m -XX:TieredStopAtLevel=1"
        + " -jar "
        + DEMO
        + " serve --checkpoint \"$BATON_MODEL\" --port 0"
  };

  @TempDir Path tmp;

  @Test
  void killedDuringRollingOutTheRestartedOrchestratorFinishesThePromotionOnce() throws Exception {
    Path dataDir = tmp.resolve("data");
    String promotionId;
    try (OrchestratorProcess first = OrchestratorProcess.start(dataDir, "first", ARGS)) {
      Api api = first.awaitHealthy(START).api();
      ObjectNode spec = JSON.createObjectNode();
      spec.put("name", "promote-across-a-kill");
      spec.put("team", "research");
      spec.put("pool", "ascend-910b");
      ArrayNode command = spec.putArray("command");
      for (String arg :
          List.of(
              "java",
              "-Xmx96m",
              "-XX:TieredStopAtLevel=1",
              "-jar",
              DEMO.toString(),
              "train",
              "--steps",
              "60",
              "--checkpoint-every",
              "30",
              "--step-millis",
              "5")) {
        command.add(arg);
      }
      spec.put("nodes", 1);
      spec.put("chipsPerNode", 8);
      spec.putObject("promotion").put("endpoint", "survivor").put("replicas", 2);
      Api.Response created = api.post("/api/v1/jobs", spec.toString());
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String jobId = created.json().get("id").asString();

      JsonNode rolling =
          await(
              api,
              "/api/v1/promotions?jobId=" + jobId,
              page ->
                  !page.get("items").isEmpty()
                      && page.at("/items/0/state").asString().equals("ROLLING_OUT")
                      && page.at("/items/0/rolloutId").isString(),
              Duration.ofSeconds(90),
              first);
      promotionId = rolling.at("/items/0/id").asString();
      first.kill();
    }

    try (OrchestratorProcess second = OrchestratorProcess.start(dataDir, "second", ARGS)) {
      Api api = second.awaitHealthy(START).api();
      JsonNode done =
          await(
              api,
              "/api/v1/promotions/" + promotionId,
              p -> List.of("ACTIVE", "REJECTED", "ROLLED_BACK").contains(p.get("state").asString()),
              Duration.ofSeconds(90),
              second);

      assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("ACTIVE");
      List<String> gates = new ArrayList<>();
      done.get("gates")
          .forEach(g -> gates.add(g.get("name").asString() + "=" + g.get("verdict").asString()));
      assertThat(gates)
          .containsExactly(
              "VERIFYING=PASSED",
              "CONVERTING=SKIPPED",
              "EVALUATING=SKIPPED",
              "PARITY=PASSED",
              "ROLLING_OUT=PASSED");
      JsonNode rollouts = api.get("/api/v1/endpoints/survivor/rollouts").json().get("items");
      assertThat(rollouts).as("one rollout").hasSize(1);
      assertThat(rollouts.get(0).get("state").asString()).isEqualTo("SUCCEEDED");
      assertThat(api.get("/api/v1/endpoints/survivor/revisions").json().get("items")).hasSize(1);
      long activations = 0;
      for (JsonNode e :
          api.get("/api/v1/jobs/" + done.get("jobId").asString() + "/events?limit=500")
              .json()
              .get("items")) {
        if (e.get("type").asString().equals("promotion.state")
            && e.get("to").asString().equals("ACTIVE")) {
          activations++;
        }
      }
      assertThat(activations).isEqualTo(1);

      JsonNode endpoint =
          await(
              api,
              "/api/v1/endpoints/survivor",
              e -> e.at("/replicas/ready").asInt() == 2,
              Duration.ofSeconds(60),
              second);
      assertThat(endpoint.at("/currentRevision/revision").asInt()).isEqualTo(1);
      HttpResponse<String> answer =
          api.client()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(endpoint.at("/urls/0").asString() + "/v1/predict"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString("{\"inputs\":[[" + zeros(24) + "]]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(JSON.readTree(answer.body()).at("/outputs/0/0").isNumber()).isTrue();
    }
  }

  private static String zeros(int n) {
    return String.join(",", java.util.Collections.nCopies(n, "0"));
  }

  private static JsonNode await(
      Api api,
      String path,
      Predicate<JsonNode> condition,
      Duration timeout,
      OrchestratorProcess process)
      throws InterruptedException {
    return Eventually.value(
        () -> {
          Api.Response response = api.get(path);
          return response.status() == 200 ? response.json() : null;
        },
        last -> last != null && condition.test(last),
        timeout,
        Duration.ofMillis(50),
        last -> path + " not there in " + timeout + "; last: " + last + "\n" + process.log());
  }
}
