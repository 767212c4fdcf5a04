package io.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressLogTest {

  @TempDir Path dir;

  @Test
  void aLineCutShortByACrashDoesNotSpoilTheNextOne() throws Exception {
    Path file = dir.resolve("a/b/rank-0.jsonl");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"type\":\"progress\",\"step\":1}\n{\"type\":\"progr");

    try (ProgressLog log = ProgressLog.open(file)) {
      log.progress(2, 10, 0.5, 100, 0.01, new ProgressLog.StepTimes(12.5, 9));
    }

    assertThat(Files.readAllLines(file))
        .containsExactly(
            "{\"type\":\"progress\",\"step\":1}",
            "{\"type\":\"progr",
            "{\"type\":\"progress\",\"step\":2,\"totalSteps\":10,\"loss\":0.5,\"samplesPerSec\":100.0,\"stepMs\":12.5,\"computeMs\":9.0,\"metrics\":{\"lr\":0.01}}");
  }

  @Test
  void createsTheParentDirectories() {
    Path file = dir.resolve("x/y/rank-3.jsonl");

    try (ProgressLog log = ProgressLog.open(file)) {
      log.progress(1, 1, 0.7, 1.25, 0.1, new ProgressLog.StepTimes(1, 0.5));
    }

    assertThat(Runs.lines(file)).hasSize(1);
  }
}
