package io.baton.orchestrator.cluster.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.cluster.CheckpointDirRefused;
import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.ClusterBackend.FileDigest;
import io.baton.orchestrator.cluster.ResumePoint;
import io.baton.orchestrator.persistence.DataDirProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local backend keeps a job's checkpoint files inside the job's own directory. */
class LocalBackendPathsTest {

  @TempDir Path data;
  @TempDir Path elsewhere;
  LocalBackend backend;
  UUID job = UUID.randomUUID();
  Path own;

  @BeforeEach
  void backend() {
    backend =
        new LocalBackend(
            new DataDirProperties(data, null),
            new LocalProperties(java.time.Duration.ofSeconds(1), false, true));
    own = data.resolve("checkpoints").resolve(job.toString()).toAbsolutePath();
  }

  @Test
  void aJobsCheckpointsLiveInItsOwnDirectory() {
    assertThat(backend.checkpointDir(job, null)).isEqualTo(own.toString());
    assertThat(own).isDirectory();
  }

  @Test
  void aSpecsDirectoryIsInsideTheJobsOwn() {
    assertThat(backend.checkpointDir(job, "run-a")).isEqualTo(own.resolve("run-a").toString());
    assertThat(backend.checkpointDir(job, "run-b/./deeper/../here"))
        .isEqualTo(own.resolve("run-b/here").toString());
    assertThat(backend.checkpointDir(job, own.resolve("abs").toString()))
        .isEqualTo(own.resolve("abs").toString());
    assertThat(own.resolve("run-b/here")).isDirectory();
  }

  @Test
  void aSpecsDirectoryLeadingOutIsRefused() {
    for (String out :
        List.of(
            "..",
            "../" + UUID.randomUUID(),
            "a/../../..",
            "/etc",
            elsewhere.toString(),
            data.resolve("checkpoints").toAbsolutePath().toString())) {
      assertThatThrownBy(() -> backend.checkpointDir(job, out))
          .as(out)
          .isInstanceOf(CheckpointDirRefused.class)
          .hasMessageContaining(job.toString());
    }
    assertThat(data.resolve("checkpoints")).doesNotExist();
  }

  @Test
  void aCheckpointDirectoryLinkedOutIsNeitherCreatedNorLaunched() throws IOException {
    Files.createDirectories(own);
    Files.createSymbolicLink(own.resolve("out"), elsewhere);

    String dir = backend.checkpointDir(job, "out/deeper/still");

    assertThat(dir).isEqualTo(own.resolve("out/deeper/still").toString());
    assertThat(elsewhere.resolve("deeper")).doesNotExist();
    backend.start();
    try {
      assertThatThrownBy(() -> backend.launch(aLaunch(dir)))
          .isInstanceOf(CheckpointDirRefused.class)
          .hasMessageContaining("symbolic link");
      assertThatThrownBy(() -> backend.launch(aLaunch(elsewhere.toString())))
          .isInstanceOf(CheckpointDirRefused.class)
          .hasMessageContaining("is not inside");
      assertThat(backend.observe(job, 1)).isEmpty();
      assertThat(data.resolve("work")).doesNotExist();
    } finally {
      backend.stop();
    }
  }

  @Test
  void aJobDirectoryThatIsItselfALinkOutIsRefusedToo() throws IOException {
    Files.createDirectories(data.resolve("checkpoints"));
    Files.createSymbolicLink(own, elsewhere);
    Files.writeString(elsewhere.resolve("model.safetensors"), "not the job's");

    assertThat(backend.digest(own.resolve("model.safetensors").toString()).exists()).isFalse();
    assertThatThrownBy(
            () -> backend.deleteCheckpointFiles(own.toString(), List.of("model.safetensors")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(elsewhere.resolve("model.safetensors")).exists();
  }

  @Test
  void aSymlinkInsideTheJobsDirectoryIsFine() throws IOException {
    Files.createDirectories(own.resolve("real"));
    Files.createSymbolicLink(own.resolve("alias"), own.resolve("real"));

    assertThat(backend.checkpointDir(job, "alias")).isEqualTo(own.resolve("alias").toString());
  }

  @Test
  void aCheckpointFileIsHashedOnlyInsideItsJobsDirectory() throws IOException {
    Path step = Files.createDirectories(own.resolve("step-1"));
    Files.writeString(step.resolve("model.safetensors"), "weights");
    Path secret = Files.writeString(elsewhere.resolve("secret"), "not yours");
    Files.createSymbolicLink(step.resolve("link-out"), secret);
    Path other = Files.createDirectories(data.resolve("checkpoints").resolve("other-job"));
    Path theirs = Files.writeString(other.resolve("model.safetensors"), "theirs");
    Files.createSymbolicLink(step.resolve("link-to-another-job"), theirs);
    Files.createSymbolicLink(own.resolve("step-2"), elsewhere);

    FileDigest mine = backend.digest(step.resolve("model.safetensors").toString());
    assertThat(mine.exists()).isTrue();
    assertThat(mine.sha256()).isEqualTo(ResumePoint.sha256(step.resolve("model.safetensors")));
    assertThat(mine.sizeBytes()).isEqualTo(7);
    assertThat(backend.digest(step.resolve("link-out").toString()).exists()).isFalse();
    assertThat(backend.digest(step.resolve("link-to-another-job").toString()).exists()).isFalse();
    assertThat(backend.digest(own.resolve("step-2/secret").toString()).exists()).isFalse();
    assertThat(backend.digest(secret.toString()).exists()).isFalse();
  }

  private ClusterBackend.Launch aLaunch(String checkpointDir) {
    return new ClusterBackend.Launch(
        job,
        1,
        List.of("true"),
        Map.of(),
        List.of(new ClusterBackend.RankPlacement(0, "ascend-910b-0", List.of(0))),
        checkpointDir,
        null);
  }

  @Test
  void deletingACheckpointRemovesALinkNotWhatItPointsTo() throws IOException {
    Path secret = Files.writeString(elsewhere.resolve("keep-me"), "precious");
    Files.createDirectories(own);
    Files.createSymbolicLink(own.resolve("step-3"), elsewhere);

    backend.deleteCheckpointFiles(own.toString(), List.of("step-3/keep-me"));

    assertThat(own.resolve("step-3")).doesNotExist();
    assertThat(secret).hasContent("precious");
  }
}
