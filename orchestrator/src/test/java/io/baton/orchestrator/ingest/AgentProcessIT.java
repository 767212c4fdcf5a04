package io.baton.orchestrator.ingest;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.IntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A real {@code baton-agent run} process (sim collector, a rank writing its progress file) against
 * the orchestrator on loopback: the node, its chips, a progress series and a checkpoint appear;
 * when the agent stops, the node is LOST within its timeout.
 */
class AgentProcessIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JobLifecycle lifecycle;
  @Autowired JobService jobs;
  @TempDir Path tmp;

  @Test
  void aRealAgentReportsHealthAndProgressAndItsSilenceIsNoticed() throws Exception {
    Api api = new Api(port, adminToken());
    String node = "agent-it-" + Long.toHexString(System.nanoTime());
    String token =
        api.post(
                "/api/v1/admin/nodes/" + node + "/tokens",
                "{\"pool\":\"ascend-910b\"}",
                "Authorization",
                "Bearer " + adminToken())
            .json()
            .get("token")
            .asString();
    Path tokenFile = Files.writeString(tmp.resolve("node.token"), token);
    String job = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    // Placed on the agent's node, as the scheduler would: a node reports only its own jobs' lines.
    UUID id = UUID.fromString(job);
    lifecycle.admit(
        id, jobs.get(id).version(), List.of(new Job.Placement(node, List.of(0, 1))), "test");
    Path progressDir = Files.createDirectories(tmp.resolve("progress"));
    Path progressFile = Files.createDirectories(progressDir.resolve(job)).resolve("rank-0.jsonl");
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread rank = new Thread(() -> writeProgress(progressFile, writing), "rank-0");
    rank.start();

    Process agent =
        new ProcessBuilder(
                java(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.baton.agent.AgentMain",
                "run",
                "--orchestrator",
                api.base(),
                "--node",
                node,
                "--token-file",
                tokenFile.toString(),
                "--collector",
                "sim",
                "--sim-chips",
                "8",
                "--sim-health",
                "6=WARNING",
                "--interval",
                "300ms",
                "--progress-dir",
                progressDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("agent.log").toFile())
            .start();
    try {
      JsonNode ready =
          await(api, "/api/v1/nodes/" + node, n -> n.get("state").asString().equals("READY"));
      assertThat(ready.get("chips")).hasSize(8);
      assertThat(ready.at("/chips/6/health").asString()).isEqualTo("WARNING");
      assertThat(ready.get("vendor").asString()).isEqualTo("sim");

      JsonNode series =
          await(api, "/api/v1/jobs/" + job + "/progress", p -> p.get("points").size() >= 5);
      assertThat(series.at("/points/0/node").asString()).isEqualTo(node);
      for (int i = 1; i < series.get("points").size(); i++) {
        assertThat(series.get("points").get(i).get("step").asLong())
            .isGreaterThanOrEqualTo(series.get("points").get(i - 1).get("step").asLong());
      }
      JsonNode withCheckpoint =
          await(api, "/api/v1/jobs/" + job, j -> j.path("latestCheckpoint").has("step"));
      assertThat(withCheckpoint.at("/latestCheckpoint/uri").asString()).startsWith("step-");
    } finally {
      writing.set(false);
      rank.join();
      agent.destroy();
      assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    Instant stopped = Instant.now();

    await(api, "/api/v1/nodes/" + node, n -> n.get("state").asString().equals("LOST"));

    assertThat(Duration.between(stopped, Instant.now()))
        .as("LOST within the 3 s timeout plus one sweep")
        .isLessThan(Duration.ofSeconds(8));
  }

  private static void writeProgress(Path file, AtomicBoolean writing) {
    long step = 0;
    try {
      while (writing.get()) {
        step += 10;
        String line =
            "{\"type\":\"progress\",\"step\":"
                + step
                + ",\"totalSteps\":10000,\"loss\":"
                + (2.0 / (1 + step / 100.0))
                + ",\"samplesPerSec\":512.0}\n";
        if (step % 50 == 0) {
          line +=
              "{\"type\":\"checkpoint\",\"step\":"
                  + step
                  + ",\"path\":\"step-"
                  + step
                  + "\",\"format\":\"safetensors\",\"sha256\":\""
                  + "0".repeat(64)
                  + "\",\"sizeBytes\":5120}\n";
        }
        line += step == 30 ? "this line is not json\n" : "";
        Files.writeString(
            file,
            line,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        // The pace of a training process writing its lines: the behaviour under test, not a wait.
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode await(Api api, String path, Predicate<JsonNode> condition)
      throws InterruptedException {
    return Eventually.value(
        () -> {
          Api.Response response = api.get(path);
          return response.status() == 200 ? response.json() : null;
        },
        last -> last != null && condition.test(last),
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        last -> "condition not met on " + path + " within 30 s; last: " + last);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
