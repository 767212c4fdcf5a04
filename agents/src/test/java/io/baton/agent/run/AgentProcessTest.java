package io.baton.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.AgentMain;
import io.baton.agent.LoopbackOrchestrator;
import io.baton.agent.LoopbackOrchestrator.Received;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton-agent run} as its own process: it reports, and SIGTERM makes it flush once more. */
class AgentProcessTest {

  @TempDir Path dir;
  private final LoopbackOrchestrator server = LoopbackOrchestrator.start();
  private Process agent;

  @AfterEach
  void cleanUp() {
    if (agent != null && agent.isAlive()) {
      agent.destroyForcibly();
    }
    server.close();
  }

  @Test
  void sigtermFlushesWhatIsNew() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "process-token\n");
    Path progress = Files.createDirectories(dir.resolve("progress/job-5"));
    agent =
        new ProcessBuilder(
                javaCommand(
                    "run",
                    "--orchestrator",
                    server.uri().toString(),
                    "--node",
                    "proc-node",
                    "--token-file",
                    token.toString(),
                    "--collector",
                    "sim",
                    "--sim-chips",
                    "2",
                    "--sim-health",
                    "1=WARNING",
                    "--interval",
                    "10m",
                    "--progress-dir",
                    dir.resolve("progress").toString()))
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();

    Received first = server.awaitAccepted(r -> r.seq() == 0, Duration.ofSeconds(20));
    assertThat(first.node()).isEqualTo("proc-node");
    assertThat(first.authorization()).isEqualTo("Bearer process-token");
    assertThat(first.body().at("/chips/1/health").asString()).isEqualTo("WARNING");
    Files.writeString(
        progress.resolve("rank-0.jsonl"),
        "{\"type\":\"checkpoint\",\"step\":40,\"path\":\"step-40\",\"sha256\":\"cd\",\"sizeBytes\":7}\n");

    agent.destroy();

    assertThat(agent.waitFor(20, TimeUnit.SECONDS)).as("agent exits after SIGTERM").isTrue();
    Received last = server.awaitAccepted(r -> r.seq() == 1, Duration.ofSeconds(5));
    assertThat(last.body().at("/checkpoints/0/step").asLong()).isEqualTo(40);
    assertThat(last.body().get("bootId")).isEqualTo(first.body().get("bootId"));
    assertThat(Files.readString(dir.resolve("stderr.txt")))
        .contains("reporting sim chips to")
        .contains("baton-agent run: stopped after 2 delivered reports")
        .doesNotContain("could not be delivered");
  }

  private static List<String> javaCommand(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
    command.addAll(List.of(args));
    return command;
  }
}
