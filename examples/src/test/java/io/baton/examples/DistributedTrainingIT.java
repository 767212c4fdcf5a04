package io.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Two real rank processes, cooperating over MASTER_ADDR:MASTER_PORT, and what a dead rank does. */
class DistributedTrainingIT {

  @TempDir Path dir;

  @Test
  void twoRankProcessesTrainOneModel() throws Exception {
    int port = Runs.freePort();
    String[] train = {"train", "--steps", "200", "--step-millis", "5", "--checkpoint-every", "50"};
    try (ChildProcess rank1 =
        ChildProcess.demo(dir, "rank-1", Runs.env(dir, "job-d", 1, 2, port), train)) {
      Thread.sleep(300);
      try (ChildProcess rank0 =
          ChildProcess.demo(dir, "rank-0", Runs.env(dir, "job-d", 0, 2, port), train)) {

        assertThat(rank0.exitWithin(Duration.ofSeconds(30))).as(rank0.err()).isZero();
        assertThat(rank1.exitWithin(Duration.ofSeconds(5))).as(rank1.err()).isZero();
        List<JsonNode> progress0 = Runs.lines(Runs.progressFile(dir, 0), "progress");
        List<JsonNode> progress1 = Runs.lines(Runs.progressFile(dir, 1), "progress");
        assertThat(progress0).hasSize(200);
        assertThat(progress1).hasSize(200);
        assertThat(progress1)
            .extracting(l -> l.get("loss").asDouble())
            .containsExactlyElementsOf(
                progress0.stream().map(l -> l.get("loss").asDouble()).toList());
        assertThat(Runs.lines(Runs.progressFile(dir, 1), "checkpoint")).isEmpty();
        List<JsonNode> checkpoints = Runs.lines(Runs.progressFile(dir, 0), "checkpoint");
        assertThat(checkpoints)
            .extracting(l -> l.get("step").asInt())
            .containsExactly(50, 100, 150, 200);
        assertThat(checkpoints.get(3).get("metrics").get("eval_accuracy").asDouble())
            .isGreaterThanOrEqualTo(0.85);
        String finalSha = checkpoints.get(3).get("sha256").asString();
        assertThat(finalSha)
            .isEqualTo(Runs.sha256(Runs.checkpoints(dir).resolve("step-200/model.safetensors")));
        assertThat(rank0.out()).contains("done at step 200, parameters sha256 " + finalSha);
        assertThat(rank1.out()).contains("done at step 200, parameters sha256 " + finalSha);
      }
    }
  }

  @Test
  void whenRankOneDiesRankZeroExitsNonZero() throws Exception {
    assertSurvivorFails(1);
  }

  @Test
  void whenRankZeroDiesRankOneExitsNonZero() throws Exception {
    assertSurvivorFails(0);
  }

  private void assertSurvivorFails(int victim) throws Exception {
    int port = Runs.freePort();
    String[] train = {"train", "--steps", "100000", "--step-millis", "10", "--peer-timeout", "2s"};
    try (ChildProcess rank0 =
            ChildProcess.demo(dir, "rank-0", Runs.env(dir, "job-k", 0, 2, port), train);
        ChildProcess rank1 =
            ChildProcess.demo(dir, "rank-1", Runs.env(dir, "job-k", 1, 2, port), train)) {
      ChildProcess dead = victim == 0 ? rank0 : rank1;
      ChildProcess alive = victim == 0 ? rank1 : rank0;
      ChildProcess.await(
          Duration.ofSeconds(20),
          "both ranks training",
          () ->
              ChildProcess.lineCount(Runs.progressFile(dir, 0)) > 10
                  && ChildProcess.lineCount(Runs.progressFile(dir, 1)) > 10);

      dead.process().destroyForcibly().waitFor();
      long killedAt = System.nanoTime();
      int exit = alive.exitWithin(Duration.ofSeconds(5));

      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(3));
      assertThat(exit).isEqualTo(3);
      assertThat(alive.err()).contains("baton-demo: lost rank " + victim + " at step ");
      assertThat(alive.err().lines()).hasSize(1);
    }
  }
}
