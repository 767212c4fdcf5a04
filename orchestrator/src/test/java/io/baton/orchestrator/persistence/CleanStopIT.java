package io.baton.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.OrchestratorProcess;
import java.nio.file.Path;
import java.time.Duration;
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
  private static final int NODES = 24;
  private static final String SPEC =
      "{\"name\":\"busy\",\"team\":\"t\",\"pool\":\"ascend-910b\",\"nodes\":1,\"chipsPerNode\":8,"
          + "\"command\":[\"sh\",\"-c\",\"echo '{\\\"type\\\":\\\"progress\\\",\\\"step\\\":1}'"
          + " >> \\\"$BATON_PROGRESS_FILE\\\"; exec sleep 600\"]}";

  @TempDir Path tmp;

  @Test
  void aStopWhileEveryLoopIsBusyLogsNoErrorWarningOrStackTrace() throws Exception {
    Path dataDir = tmp.resolve("data");
    try (OrchestratorProcess orchestrator =
        OrchestratorProcess.start(
            dataDir,
            "stopped",
            "--baton.pools[0].name=ascend-910b",
            "--baton.pools[0].role=TRAINING",
            "--baton.pools[0].accelerator=ascend-910b",
            "--baton.pools[0].nodes=" + NODES,
            "--baton.pools[0].chips-per-node=8",
            "--baton.pools[0].resource-name=huawei.com/Ascend910")) {
      Api api = orchestrator.awaitHealthy(START).api();
      String running = api.submitJob(SPEC);
      awaitState(api, running, "RUNNING");
      // More submissions than nodes: each kicks a round, most run a rank, the rest stay queued,
      // so rounds, the job runner and the event stream all have work when the signal comes.
      for (int i = 0; i < NODES + 8; i++) {
        api.submitJob(SPEC);
      }
      // And submissions keep coming while it stops (refused once the web server has stopped).
      Thread submitter =
          new Thread(
              () -> {
                try {
                  while (orchestrator.process().isAlive()) {
                    api.post("/api/v1/jobs", SPEC);
                  }
                } catch (RuntimeException refused) {
                  // the orchestrator is gone
                }
              });
      submitter.setDaemon(true);
      submitter.start();
      int logBefore = orchestrator.log().length();

      orchestrator.process().destroy();
      int exit = orchestrator.awaitExit(Duration.ofSeconds(90));
      submitter.join(10_000);

      String stop = orchestrator.log().substring(logBefore);
      List<String> bad =
          Arrays.stream(stop.split("\n"))
              .filter(
                  line ->
                      line.contains(" ERROR ")
                          || line.contains(" WARN ") && !overloaded(line)
                          || line.startsWith("\tat ")
                          || line.contains("Exception"))
              .toList();
      assertThat(bad).as("the stop's log:%n%s", stop).isEmpty();
      assertThat(stop).as("the database stopped last").contains("Embedded PostgreSQL stopped");
      assertThat(exit).as("exit code: 143 is the JVM's answer to SIGTERM").isIn(0, 143);
    }
  }

  /**
   * A node whose in-process agent missed its reports on a machine shared with the build: about the
   * machine's load, not the stop.
   */
  private static boolean overloaded(String line) {
    return line.contains("NodeLiveness") && line.contains("lost: no report");
  }

  private static void awaitState(Api api, String id, String state) throws InterruptedException {
    Eventually.value(
        () -> api.get("/api/v1/jobs/" + id).json().get("state").asString(),
        state::equals,
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        current -> "job " + id + " is " + current + ", not " + state);
  }
}
