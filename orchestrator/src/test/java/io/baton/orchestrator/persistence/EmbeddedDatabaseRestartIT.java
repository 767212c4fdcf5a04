package io.baton.orchestrator.persistence;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default as an operator meets it: real orchestrator processes on one data directory,
 * restarted cleanly and after SIGKILL, and a second instance turned away.
 */
class EmbeddedDatabaseRestartIT {

  private static final Duration START = Duration.ofSeconds(120);

  /** This test is about the database: nothing is scheduled or launched. */
  private static final String[] QUIET = {
    "--baton.scheduler.automatic=false",
    "--baton.recovery.automatic=false",
    "--baton.cluster.local.agents=false"
  };

  @TempDir Path tmp;

  @Test
  void jobsSurviveRestartsAndKillsAndASecondInstanceIsTurnedAway() throws Exception {
    Path dataDir = tmp.resolve("data");
    String jobId;
    JsonNode eventsBefore;
    try (OrchestratorProcess first = OrchestratorProcess.start(dataDir, "first", QUIET)) {
      Api api = first.awaitHealthy(START).api();
      jobId =
          api.post("/api/v1/jobs", aSpec().with("name", "survivor").json())
              .json()
              .get("id")
              .asString();
      api.post("/api/v1/jobs/" + jobId + "/cancel", "");
      eventsBefore = api.get("/api/v1/jobs/" + jobId + "/events").json();

      try (OrchestratorProcess second = OrchestratorProcess.start(dataDir, "second", QUIET)) {
        assertThat(second.awaitExit(START)).isNotZero();
        assertThat(second.log())
            .contains("is in use by another Baton instance (pid " + first.process().pid() + ")")
            .contains("--baton.data-dir");
      }
      assertThat(api.get("/api/v1/jobs/" + jobId).status()).as("first still serves").isEqualTo(200);

      first.kill();
    }

    try (OrchestratorProcess afterKill = OrchestratorProcess.start(dataDir, "after-kill", QUIET)) {
      Api api = afterKill.awaitHealthy(START).api();

      JsonNode job = api.get("/api/v1/jobs/" + jobId).json();
      assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
      assertThat(job.at("/spec/name").asString()).isEqualTo("survivor");
      assertThat(api.get("/api/v1/jobs/" + jobId + "/events").json()).isEqualTo(eventsBefore);
      assertThat(afterKill.log()).contains("left running on");
    }

    try (OrchestratorProcess afterStop = OrchestratorProcess.start(dataDir, "after-stop", QUIET)) {
      Api api = afterStop.awaitHealthy(START).api();
      assertThat(api.get("/api/v1/jobs/" + jobId).json().get("state").asString())
          .isEqualTo("CANCELLED");
      assertThat(afterStop.log()).doesNotContain("left running on");
    }
    assertThat(postgresProcessesOn(dataDir)).as("no postgres left behind").isZero();
  }

  private static long postgresProcessesOn(Path dataDir) {
    String pgData = dataDir.resolve("postgres").toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(pgData)).orElse(false))
        .count();
  }
}
