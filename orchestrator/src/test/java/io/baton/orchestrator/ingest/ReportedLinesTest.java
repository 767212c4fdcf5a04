package io.baton.orchestrator.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.ingest.ReportedLines.Refusal;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReportedLinesTest {

  static final ReportedLines.Job ON_A_AND_B = new ReportedLines.Job(Set.of("a", "b"), null);
  static final ReportedLines.Job ON_S3 =
      new ReportedLines.Job(Set.of("a"), "s3://bucket/team/job-1");

  @Test
  void aPlacedNodeMayWriteItsJobsLines() {
    assertThat(ReportedLines.progress(ON_A_AND_B, "b")).isNull();
    assertThat(ReportedLines.checkpoint(ON_A_AND_B, "a", "step-100/model.safetensors", null))
        .isNull();
  }

  @Test
  void aNodeTheJobIsNotPlacedOnMayNot() {
    assertThat(ReportedLines.progress(ON_A_AND_B, "c")).isEqualTo(Refusal.NOT_PLACED);
    assertThat(ReportedLines.checkpoint(ON_A_AND_B, "c", "step-1", null))
        .isEqualTo(Refusal.NOT_PLACED);
  }

  @Test
  void aWaitingJobIsPlacedNowhere() {
    ReportedLines.Job waiting = new ReportedLines.Job(Set.of(), null);

    assertThat(ReportedLines.progress(waiting, "a")).isEqualTo(Refusal.NOT_PLACED);
  }

  @Test
  void anUnknownJobIsRefusedAsSuch() {
    assertThat(ReportedLines.progress(null, "a")).isEqualTo(Refusal.UNKNOWN_JOB);
    assertThat(ReportedLines.checkpoint(null, "a", "../x", null)).isEqualTo(Refusal.UNKNOWN_JOB);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "step-100",
        "step-100/model.safetensors",
        "./step-100/model.safetensors",
        "step-100/./model..safetensors",
        "..step",
        "a/..b/c"
      })
  void relativePathsInsideTheDirectoryAreContained(String path) {
    assertThat(ReportedLines.contained(path, null)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "..",
        "../other-job/step-1",
        "step-1/../../other-job",
        "step-1/..",
        "/etc/passwd",
        "/var/lib/baton/checkpoints/other/step-1",
        "~/step-1",
        "step-1\\..\\..\\x",
        "step-1\0",
        "file:///etc/passwd",
        "s3://bucket/team/job-1/step-1"
      })
  void pathsLeadingOutAreNot(String path) {
    assertThat(ReportedLines.contained(path, null)).isFalse();
  }

  @Test
  void aJobWithACheckpointUriMayNameObjectsUnderIt() {
    assertThat(ReportedLines.checkpoint(ON_S3, "a", "s3://bucket/team/job-1/step-1", null))
        .isNull();
    assertThat(ReportedLines.checkpoint(ON_S3, "a", "step-1/model.safetensors", null)).isNull();
    assertThat(ReportedLines.contained("s3://bucket/team/job-10/step-1", ON_S3.checkpointUri()))
        .isFalse();
    assertThat(ReportedLines.contained("s3://bucket/team/job-1", ON_S3.checkpointUri())).isFalse();
    assertThat(ReportedLines.contained("s3://bucket/team/job-1/../x", ON_S3.checkpointUri()))
        .isFalse();
    assertThat(ReportedLines.contained("gs://bucket/team/job-1/step-1", ON_S3.checkpointUri()))
        .isFalse();
  }

  @Test
  void theGoldenSetMustBeContainedToo() {
    assertThat(ReportedLines.checkpoint(ON_A_AND_B, "a", "step-1/model", "step-1/golden.json"))
        .isNull();
    assertThat(ReportedLines.checkpoint(ON_A_AND_B, "a", "step-1/model", "/etc/shadow"))
        .isEqualTo(Refusal.CHECKPOINT_PATH);
    assertThat(ReportedLines.checkpoint(ON_A_AND_B, "a", "../x/model", null))
        .isEqualTo(Refusal.CHECKPOINT_PATH);
  }
}
