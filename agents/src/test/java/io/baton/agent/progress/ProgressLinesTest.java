package io.baton.agent.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.progress.ProgressLine.Checkpoint;
import io.baton.agent.progress.ProgressLine.Malformed;
import io.baton.agent.progress.ProgressLine.Progress;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

class ProgressLinesTest {

  private static final ProgressSource SOURCE = new ProgressSource("job-7", 3, 2);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void aProgressLineGetsItsSourceAndKeepsUnknownFields() {
    ProgressLine line =
        ProgressLines.parse(
            "{\"type\":\"progress\",\"step\":120,\"totalSteps\":1000,\"loss\":0.52,"
                + "\"samplesPerSec\":812.5,\"metrics\":{\"lr\":0.001},\"gpuHours\":1.5}",
            SOURCE,
            NOW);

    assertThat(line).isInstanceOf(Progress.class);
    ObjectNode entry = ((Progress) line).entry();
    assertThat(entry.get("step").asLong()).isEqualTo(120);
    assertThat(entry.get("loss").asDouble()).isEqualTo(0.52);
    assertThat(entry.get("metrics").get("lr").asDouble()).isEqualTo(0.001);
    assertThat(entry.get("gpuHours").asDouble()).isEqualTo(1.5);
    assertThat(entry.get("jobId").asString()).isEqualTo("job-7");
    assertThat(entry.get("rank").asInt()).isEqualTo(3);
    assertThat(entry.get("attempt").asInt()).isEqualTo(2);
    assertThat(entry.get("time").asString()).isEqualTo("2026-03-01T10:00:00Z");
  }

  @Test
  void stepTimesAreOptionalAndKept() {
    ObjectNode timed =
        ((Progress)
                ProgressLines.parse(
                    "{\"type\":\"progress\",\"step\":7,\"stepMs\":84.5,\"computeMs\":60,"
                        + "\"loss\":0.4}",
                    SOURCE,
                    NOW))
            .entry();
    ProgressLine older = ProgressLines.parse("{\"type\":\"progress\",\"step\":7}", SOURCE, NOW);
    ProgressLine nulls =
        ProgressLines.parse(
            "{\"type\":\"progress\",\"step\":7,\"stepMs\":null,\"computeMs\":null}", SOURCE, NOW);

    assertThat(timed.get("stepMs").asDouble()).isEqualTo(84.5);
    assertThat(timed.get("computeMs").asDouble()).isEqualTo(60);
    assertThat(older).isInstanceOf(Progress.class);
    assertThat(nulls).isInstanceOf(Progress.class);
  }

  @Test
  void aCheckpointLine() {
    ProgressLine line =
        ProgressLines.parse(
            "{\"type\":\"checkpoint\",\"step\":100,\"path\":\"step-100\",\"format\":\"safetensors\","
                + "\"sha256\":\"ab12\",\"sizeBytes\":5120,\"metrics\":{\"eval_accuracy\":0.91},"
                + "\"golden\":\"step-100/golden.json\"}",
            SOURCE,
            NOW);

    assertThat(line).isInstanceOf(Checkpoint.class);
    ObjectNode entry = ((Checkpoint) line).entry();
    assertThat(entry.get("path").asString()).isEqualTo("step-100");
    assertThat(entry.get("sizeBytes").asLong()).isEqualTo(5120);
    assertThat(entry.get("golden").asString()).isEqualTo("step-100/golden.json");
  }

  @Test
  void theAgentsSourceFieldsWinOverTheLines() {
    ObjectNode entry =
        ((Progress)
                ProgressLines.parse(
                    "{\"type\":\"progress\",\"step\":1,\"jobId\":\"other\",\"rank\":9}",
                    SOURCE,
                    NOW))
            .entry();

    assertThat(entry.get("jobId").asString()).isEqualTo("job-7");
    assertThat(entry.get("rank").asInt()).isEqualTo(3);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\":\"progress\",\"step\":|not JSON",
        "[1,2]|not a JSON object",
        "{\"step\":1}|type must be",
        "{\"type\":\"log\",\"step\":1}|type must be",
        "{\"type\":\"progress\"}|step must be a whole number >= 0",
        "{\"type\":\"progress\",\"step\":-1}|step must be a whole number >= 0",
        "{\"type\":\"progress\",\"step\":1.5}|step must be a whole number >= 0",
        "{\"type\":\"progress\",\"step\":\"12\"}|step must be a whole number >= 0",
        "{\"type\":\"progress\",\"step\":1,\"loss\":\"low\"}|loss must be a number",
        "{\"type\":\"progress\",\"step\":1,\"totalSteps\":-5}|totalSteps must be",
        "{\"type\":\"progress\",\"step\":1,\"metrics\":[1]}|metrics must be an object",
        "{\"type\":\"progress\",\"step\":1,\"stepMs\":-3}|stepMs must be a number >= 0",
        "{\"type\":\"progress\",\"step\":1,\"stepMs\":\"80\"}|stepMs must be a number >= 0",
        "{\"type\":\"progress\",\"step\":1,\"computeMs\":-0.5}|computeMs must be a number >= 0",
        "{\"type\":\"checkpoint\",\"step\":1}|checkpoint needs a path",
        "{\"type\":\"checkpoint\",\"step\":1,\"path\":\"p\",\"sizeBytes\":\"5\"}|sizeBytes must be",
        "{\"type\":\"checkpoint\",\"step\":1,\"path\":\"p\",\"sha256\":5}|sha256 must be a string"
      })
  void malformedLinesSayWhy(String line, String reason) {
    ProgressLine parsed = ProgressLines.parse(line, SOURCE, NOW);

    assertThat(parsed).isInstanceOf(Malformed.class);
    assertThat(((Malformed) parsed).reason()).contains(reason);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "job-1/rank-0.jsonl,job-1,0,null",
        "job-1/rank-12.jsonl,job-1,12,null",
        "job-1/3/rank-2.jsonl,job-1,2,3",
        "job-1/retry-a/rank-2.jsonl,job-1,2,null",
        "job-1/train.jsonl,job-1,0,null",
        "team/job-9/logs/rank-1.jsonl,logs,0,null",
        "loose.jsonl,progress,0,null"
      })
  void jobAndRankFromThePath(String relative, String job, int rank, Integer attempt) {
    Path root = Path.of("/var/lib/baton/progress");

    assertThat(ProgressSource.of(root, root.resolve(relative)))
        .isEqualTo(new ProgressSource(job, rank, attempt));
  }
}
