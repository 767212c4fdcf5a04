package io.baton.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a busy orchestrator (default settings: the scheduler's kicks and Quartz rounds, the
 * reconcile loops, the event stream, a running rank): the loops stop, then the pool, then the
 * database, and nothing in the stop's log is an error, a warning or a stack trace.
 */
class CleanStopIT {

  private static final Duration START = Duration.ofSeconds(120);
  private static final String SPEC =
      "{\"name\":\"busy\",\"team\":\"t\",\"pool\":\"ascend-910b\",\"nodes\":1,\"chipsPerNode\":8,"
          + "\"command\":[\"sh\",\"-c\",\"echo '{\\\"type\\\":\\\"progress\\\",\\\"step\\\":1}'"
          + " >> \\\"$BATON_PROGRESS_FILE\\\"; exec sleep 600\"]}";

  @TempDir Path tmp;

  @Test
  void aStopWhileEveryLoopIsBusyLogsNoErrorWarningOrStackTrace() throws Exception {
    Path dataDir = tmp.resolve("data");
    try (OrchestratorProcess orchestrator = OrchestratorProcess.start(dataDir, "stopped")) {
      Api api = orchestrator.awaitHealthy(START).api();
      String running = api.submitJob(SPEC);
      awaitState(api, running, "RUNNING");
      // More submissions than chips: each kicks a round, the last ones stay queued, so rounds,
      // the job runner and the event stream all have work when the signal comes.
      for (int i = 0; i < 6; i++) {
        api.submitJob(SPEC);
      }
      int logBefore = orchestrator.log().length();

      orchestrator.process().destroy();
      int exit = orchestrator.awaitExit(Duration.ofSeconds(60));

      String stop = orchestrator.log().substring(logBefore);
      List<String> bad =
          Arrays.stream(stop.split("\n"))
              .filter(
                  line ->
                      line.contains(" ERROR ")
                          || line.contains(" WARN ")
                          || line.startsWith("\tat ")
                          || line.contains("Exception"))
              .toList();
      assertThat(bad).as("the stop's log:%n%s", stop).isEmpty();
      assertThat(stop).as("the database stopped last").contains("Embedded PostgreSQL stopped");
      assertThat(exit).as("exit code: 143 is the JVM's answer to SIGTERM").isIn(0, 143);
    }
  }

  private static void awaitState(Api api, String id, String state) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    String current = api.get("/api/v1/jobs/" + id).json().get("state").asString();
    while (!state.equals(current) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      current = api.get("/api/v1/jobs/" + id).json().get("state").asString();
    }
    assertThat(current).isEqualTo(state);
  }
}
