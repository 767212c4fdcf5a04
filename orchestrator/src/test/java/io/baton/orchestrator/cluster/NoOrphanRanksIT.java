package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * With {@code baton.cluster.local.stop-ranks-on-shutdown} on, no rank outlives the orchestrator: a
 * clean stop stops them, and the ranks a SIGKILLed one left are adopted by the next start and
 * stopped when that one stops. (Off, the default, they keep running: {@link RestartAdoptionIT}.)
 */
class NoOrphanRanksIT {

  private static final Duration START = Duration.ofSeconds(120);
  private static final String SPEC =
      "{\"name\":\"long\",\"team\":\"t\",\"pool\":\"ascend-910b\",\"nodes\":1,\"chipsPerNode\":8,"
          + "\"command\":[\"sh\",\"-c\",\"echo '{\\\"type\\\":\\\"progress\\\",\\\"step\\\":1}'"
          + " >> \\\"$BATON_PROGRESS_FILE\\\"; exec sleep 600\"]}";

  private static final String STOP = "--baton.cluster.local.stop-ranks-on-shutdown=true";

  @TempDir Path tmp;

  @Test
  void ranksStopWithTheOrchestratorAndThoseOfAKilledOneAreAdoptedAndStoppedByTheNext()
      throws Exception {
    Path dataDir = tmp.resolve("data");
    ProcessHandle cleanlyStopped;
    try (OrchestratorProcess orchestrator = OrchestratorProcess.start(dataDir, "clean", STOP)) {
      cleanlyStopped = runningRank(orchestrator.awaitHealthy(START).api(), dataDir);
    }
    assertThat(cleanlyStopped.isAlive()).as("rank after a clean stop").isFalse();

    ProcessHandle orphan;
    try (OrchestratorProcess killed = OrchestratorProcess.start(dataDir, "killed", STOP)) {
      orphan = runningRank(killed.awaitHealthy(START).api(), dataDir);
      killed.kill();
    }
    assertThat(orphan.isAlive()).as("a SIGKILLed orchestrator cannot stop its ranks").isTrue();

    String log;
    try (OrchestratorProcess next = OrchestratorProcess.start(dataDir, "next", STOP)) {
      next.awaitHealthy(START);
      assertThat(orphan.isAlive()).as("adopted by the next start, still running").isTrue();
      log = next.log();
    }
    // The first job's ranks, stopped with the clean stop, read as ended unseen: that job goes on
    // in a new attempt; the orphan is adopted as it runs.
    assertThat(log).containsPattern("Adopted \\d+ attempts left by a previous run: 2 ranks");
    assertThat(orphan.isAlive()).as("stopped with the orchestrator that adopted it").isFalse();
  }

  private static ProcessHandle runningRank(Api api, Path dataDir) throws Exception {
    String id = api.post("/api/v1/jobs", SPEC).json().get("id").asString();
    JsonNode job =
        Eventually.value(
            () -> api.get("/api/v1/jobs/" + id).json(),
            running -> "RUNNING".equals(running.get("state").asString()),
            Duration.ofSeconds(60),
            Duration.ofMillis(200),
            last -> "job " + id + " not RUNNING; last: " + last);
    Path pid =
        dataDir
            .resolve("work")
            .resolve(UUID.fromString(id).toString())
            .resolve(Integer.toString(job.get("attempt").asInt()))
            .resolve("rank-0")
            .resolve("pid");
    long value = Long.parseLong(Files.readString(pid).trim().split(" ")[0]);
    ProcessHandle rank = ProcessHandle.of(value).orElseThrow();
    assertThat(rank.isAlive()).isTrue();
    return rank;
  }
}
