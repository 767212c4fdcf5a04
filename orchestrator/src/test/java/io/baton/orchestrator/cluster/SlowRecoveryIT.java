package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.DrivenIntegrationTest;
import io.baton.orchestrator.support.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing checkpoints to pick a recovering job's resume point is a task, off the job runner's loop:
 * while one job's hashing is stuck, another job's failure is still acted on and a new submission is
 * still placed and launched.
 */
class SlowRecoveryIT extends DrivenIntegrationTest {

  @TempDir Path tmp;

  @Test
  void oneJobsSlowRecoveryDelaysNeitherAnotherJobsRecoveryNorANewJobsLaunch() throws Exception {
    Api api = api();
    String tag = "slow-" + UUID.randomUUID() + ".bin";
    CountDownLatch release = hashing.hold(tag);

    // Job A reports a checkpoint whose hashing the test holds, then fails: it recovers slowly.
    String slow =
        api.submitJob(
            job(
                "echo '{\"type\":\"checkpoint\",\"step\":10,\"path\":\"step-10/"
                    + tag
                    + "\",\"sha256\":\"00\"}' >> \"$BATON_PROGRESS_FILE\";"
                    + " echo '{\"type\":\"progress\",\"step\":10}' >> \"$BATON_PROGRESS_FILE\";"
                    + " sleep 2; exit 3"));
    // Job C runs until the test makes it fail.
    Path stop = tmp.resolve("stop-c");
    String other =
        api.submitJob(
            job(
                "echo '{\"type\":\"progress\",\"step\":1}' >> \"$BATON_PROGRESS_FILE\";"
                    + " while [ ! -f "
                    + stop
                    + " ]; do sleep 0.1; done; exit 4"));
    await().atMost(Duration.ofSeconds(60)).until(() -> state(other).equals("RUNNING"));
    await().atMost(Duration.ofSeconds(60)).until(() -> hashing.entered(tag));
    assertThat(state(slow)).isEqualTo("RECOVERING");
    assertThat(taskState(slow)).as("A's resume point is a task").isEqualTo("RUNNING");

    // While A's hashing is stuck: C fails, and B is submitted.
    Files.createFile(stop);
    String fresh =
        api.submitJob(
            job(
                "echo '{\"type\":\"progress\",\"step\":1}' >> \"$BATON_PROGRESS_FILE\"; sleep 300"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                transitions(other).contains("RUNNING->RECOVERING")
                    && state(fresh).equals("RUNNING"));
    assertThat(state(slow)).as("A still waits for its hashing").isEqualTo("RECOVERING");
    assertThat(transitions(fresh)).startsWith("QUEUED->ADMITTED", "ADMITTED->STARTING");

    release.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> transitions(slow).contains("RECOVERING->ADMITTED"));
    assertThat(restartSummary(slow)).contains("skipped unverifiable [step-10]");
    assertThat(taskState(slow)).as("a used task is forgotten").isNull();

    for (String id : List.of(slow, other, fresh)) {
      api.post("/api/v1/jobs/" + id + "/cancel", "");
    }
  }

  private static String job(String script) {
    return Specs.aSpec()
        .with("name", "slow-recovery")
        .with("command", List.of("sh", "-c", script))
        .with("chipsPerNode", 2)
        .with("maxRestarts", 1)
        .json();
  }

  private String state(String job) {
    return jdbc.sql("SELECT state FROM jobs WHERE id = :id")
        .param("id", UUID.fromString(job))
        .query(String.class)
        .single();
  }

  private List<String> transitions(String job) {
    return jdbc.sql(
            "SELECT from_state || '->' || to_state FROM events"
                + " WHERE job_id = :id AND type = 'job.state' AND from_state IS NOT NULL"
                + " ORDER BY id")
        .param("id", UUID.fromString(job))
        .query(String.class)
        .list();
  }

  private String restartSummary(String job) {
    return String.join(
        "\n",
        jdbc.sql("SELECT reason FROM events WHERE job_id = :id AND type = 'job.restart'")
            .param("id", UUID.fromString(job))
            .query(String.class)
            .list());
  }

  private String taskState(String job) {
    return jdbc
        .sql("SELECT state FROM tasks WHERE kind = 'resume-point' AND subject LIKE :s")
        .param("s", job + "/%")
        .query((rs, n) -> rs.getString(1))
        .list()
        .stream()
        .findFirst()
        .orElse(null);
  }
}
