package io.baton.orchestrator.cluster.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.persistence.DataDirProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the local backend too, a job's checkpoints stay inside its own directory of the data dir. */
class LocalBackendCheckpointDirTest {

  @TempDir Path dataDir;

  @Test
  void aJobsCheckpointDirIsItsOwnDirectoryOrOneInsideIt() {
    LocalBackend backend =
        new LocalBackend(
            new DataDirProperties(dataDir, null),
            new LocalProperties(java.time.Duration.ofSeconds(1), false, true));
    UUID id = UUID.randomUUID();
    Path own = dataDir.toAbsolutePath().resolve("checkpoints").resolve(id.toString());

    assertThat(backend.checkpointDir(id, null)).isEqualTo(own.toString());
    assertThat(backend.checkpointDir(id, "run-1/ckpt"))
        .isEqualTo(own.resolve("run-1/ckpt").toString());
    assertThat(own.resolve("run-1/ckpt")).isDirectory();
  }

  @Test
  void aDirectoryLeavingTheJobsOwnIsRefusedAndNotCreated() {
    LocalBackend backend =
        new LocalBackend(
            new DataDirProperties(dataDir, null),
            new LocalProperties(java.time.Duration.ofSeconds(1), false, true));
    UUID id = UUID.randomUUID();

    for (String escaping :
        List.of("..", "../" + UUID.randomUUID(), "a/../../b", "/tmp/elsewhere", "../../nodes")) {
      assertThatThrownBy(() -> backend.checkpointDir(id, escaping))
          .as(escaping)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Files.exists(dataDir.resolve("nodes"))).isFalse();
    assertThat(Files.exists(dataDir.resolve("b"))).isFalse();
  }
}
