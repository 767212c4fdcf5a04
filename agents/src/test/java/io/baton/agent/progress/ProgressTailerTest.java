package io.baton.agent.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** Real files in a temporary directory, changed between polls the way trainers and rotators do. */
class ProgressTailerTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path root;
  private ProgressTailer tailer;

  @BeforeEach
  void start() {
    tailer = new ProgressTailer(root, CLOCK);
  }

  @AfterEach
  void stop() {
    tailer.close();
  }

  @Test
  void onlyCompleteLinesAreConsumed() throws IOException {
    Path file = root.resolve("job-1/rank-0.jsonl");
    append(file, progress(1) + "\n" + "{\"type\":\"progress\",\"st");

    assertThat(steps(tailer.poll().progress())).containsExactly(1L);

    append(file, "ep\":2}");
    assertThat(tailer.poll().progress()).isEmpty();

    append(file, "\n" + progress(3) + "\r\n");
    ProgressBatch batch = tailer.poll();
    assertThat(steps(batch.progress())).containsExactly(2L, 3L);
    assertThat(batch.malformedLines()).isZero();
  }

  @Test
  void jobRankAndAttemptComeFromThePath() throws IOException {
    append(root.resolve("job-a/rank-0.jsonl"), progress(1) + "\n");
    append(root.resolve("job-b/2/rank-3.jsonl"), checkpoint(5) + "\n");

    ProgressBatch batch = tailer.poll();

    assertThat(batch.progress().get(0).get("jobId").asString()).isEqualTo("job-a");
    assertThat(batch.progress().get(0).get("rank").asInt()).isZero();
    assertThat(batch.progress().get(0).get("time").asString()).isEqualTo("2026-03-01T10:00:00Z");
    ObjectNode checkpoint = batch.checkpoints().get(0);
    assertThat(checkpoint.get("jobId").asString()).isEqualTo("job-b");
    assertThat(checkpoint.get("rank").asInt()).isEqualTo(3);
    assertThat(checkpoint.get("attempt").asInt()).isEqualTo(2);
    assertThat(checkpoint.get("path").asString()).isEqualTo("step-5");
  }

  @Test
  void malformedLinesAreCountedAndSkipped() throws IOException {
    append(
        root.resolve("job-1/rank-0.jsonl"),
        progress(1) + "\nnot json\n\n{\"type\":\"progress\"}\n" + progress(2) + "\n");

    ProgressBatch batch = tailer.poll();

    assertThat(steps(batch.progress())).containsExactly(1L, 2L);
    assertThat(batch.malformedLines()).isEqualTo(2);
  }

  @Test
  void aTruncatedFileIsReadAgainFromTheStart() throws IOException {
    Path file = root.resolve("job-1/rank-0.jsonl");
    append(file, progress(1) + "\n" + progress(2) + "\n" + progress(3) + "\n");
    assertThat(tailer.poll().progress()).hasSize(3);

    Files.writeString(file, progress(10) + "\n", StandardOpenOption.TRUNCATE_EXISTING);

    assertThat(steps(tailer.poll().progress())).containsExactly(10L);
  }

  @Test
  void aRotatedFileIsFinishedThenTheNewOneReadFromTheStart() throws IOException {
    Path file = root.resolve("job-1/rank-0.jsonl");
    append(file, progress(1) + "\n");
    assertThat(steps(tailer.poll().progress())).containsExactly(1L);

    append(file, progress(2) + "\n");
    Files.move(file, root.resolve("job-1/rank-0.jsonl.1"));
    append(file, progress(3) + "\n" + progress(4) + "\n");

    assertThat(steps(tailer.poll().progress())).containsExactly(2L, 3L, 4L);
    append(file, progress(5) + "\n");
    assertThat(steps(tailer.poll().progress())).containsExactly(5L);
  }

  @Test
  void aFileReplacedWhileItsHandleWasClosedIsReadFromTheStart() throws IOException {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
    tailer.close();
    tailer = new ProgressTailer(root, clock, Duration.ofMinutes(5));
    Path file = root.resolve("job-1/rank-0.jsonl");
    append(file, progress(1) + "\n" + progress(2) + "\n");
    assertThat(tailer.poll().progress()).hasSize(2);
    clock.advance(Duration.ofMinutes(6));
    assertThat(tailer.poll().progress()).isEmpty();

    Path replacement = root.resolve("job-1/new.tmp");
    Files.writeString(replacement, progress(7) + "\n" + progress(8) + "\n" + progress(9) + "\n");
    Files.move(
        replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    assertThat(steps(tailer.poll().progress())).containsExactly(7L, 8L, 9L);
  }

  @Test
  void deletedFilesAreForgottenAndNewOnesFound() throws IOException {
    Path first = root.resolve("job-1/rank-0.jsonl");
    append(first, progress(1) + "\n");
    tailer.poll();
    Files.delete(first);
    Path second = root.resolve("job-2/attempts/1/rank-0.jsonl");
    append(second, progress(2) + "\n");

    ProgressBatch batch = tailer.poll();

    assertThat(steps(batch.progress())).containsExactly(2L);
    assertThat(tailer.followed()).containsExactly(second);
  }

  @Test
  void anOversizedLineIsSkippedAsMalformed() throws IOException {
    Path file = root.resolve("job-1/rank-0.jsonl");
    append(file, progress(1) + "\n" + "x".repeat(TailedFile.MAX_LINE_BYTES + 10));
    ProgressBatch first = tailer.poll();
    assertThat(steps(first.progress())).containsExactly(1L);
    assertThat(first.malformedLines()).isEqualTo(1);

    append(file, "still the same line\n" + progress(2) + "\n");

    ProgressBatch second = tailer.poll();
    assertThat(steps(second.progress())).containsExactly(2L);
    assertThat(second.malformedLines()).isZero();
  }

  @Test
  void aMissingDirectoryIsEmptyNotAnError() {
    ProgressTailer absent = new ProgressTailer(root.resolve("not-yet"), CLOCK);

    assertThat(absent.poll().isEmpty()).isTrue();
  }

  private static List<Long> steps(List<ObjectNode> entries) {
    return entries.stream().map(e -> e.get("step").asLong()).toList();
  }

  private static String progress(long step) {
    return "{\"type\":\"progress\",\"step\":" + step + ",\"loss\":0.5}";
  }

  private static String checkpoint(long step) {
    return "{\"type\":\"checkpoint\",\"step\":"
        + step
        + ",\"path\":\"step-"
        + step
        + "\",\"format\":\"safetensors\",\"sha256\":\"00\",\"sizeBytes\":10}";
  }

  private static void append(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
