package io.baton.orchestrator.cluster.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes found again by pid, start instant and marker; their exit status from their file. */
class LocalProcessTest {

  private static final String MARKER = "BATON_ATTEMPT_ID";

  @TempDir Path dir;

  @Test
  void aRunningProcessIsAdoptedAndAKilledOneReadsAsEndedUnseen() throws Exception {
    LocalProcess started = start(List.of("sleep", "30"), "job/1/0");

    LocalProcess adopted = LocalProcess.adopt(dir, MARKER, "job/1/0").orElseThrow();
    assertThat(adopted.pid()).isEqualTo(started.pid());
    assertThat(adopted.exitCode()).isNull();

    adopted.kill();
    assertThat(adopted.exitCode()).isEqualTo(LocalProcess.UNKNOWN_EXIT);
    assertThat(adopted.endedUnseen()).isTrue();
    assertThat(started.exitCode()).as("its parent sees the signal").isEqualTo(143);
  }

  @Test
  void anotherMarkerOrAnotherStartInstantIsNotTheProcess() throws Exception {
    LocalProcess started = start(List.of("sleep", "30"), "job/1/0");
    try {
      assertThat(LocalProcess.adopt(dir, MARKER, "job/2/0").orElseThrow().exitCode())
          .as("a pid whose environment carries another attempt")
          .isEqualTo(LocalProcess.UNKNOWN_EXIT);

      Files.writeString(
          dir.resolve(LocalProcess.PID_FILE), started.pid() + " 2020-01-01T00:00:00Z node-a\n");
      assertThat(LocalProcess.adopt(dir, MARKER, "job/1/0").orElseThrow().exitCode())
          .as("a pid that started at another time: reused")
          .isEqualTo(LocalProcess.UNKNOWN_EXIT);
    } finally {
      started.kill();
    }
  }

  @Test
  void theExitStatusOfAProcessThatEndedUnwatchedComesFromItsFile() throws Exception {
    LocalProcess started = start(List.of("sh", "-c", "echo bye; exit 3"), "job/1/1");
    assertThat(started.awaitExit(Duration.ofSeconds(10))).isTrue();

    assertThat(started.exitCode()).isEqualTo(3);
    LocalProcess found = LocalProcess.adopt(dir, MARKER, "job/1/1").orElseThrow();
    assertThat(found.exitCode()).isEqualTo(3);
    assertThat(found.endedUnseen()).isFalse();
    assertThat(LocalProcess.recorded(dir).orElseThrow().node()).isEqualTo("node-a");
    assertThat(Files.readString(dir.resolve("out.log"))).isEqualTo("bye\n");
    assertThat(LocalProcess.adopt(dir.resolve("nothing-here"), MARKER, "job/1/1")).isEmpty();
  }

  @Test
  void aProcessStartedJustBeforeItsOrchestratorDiedIsFoundByItsMarkerWithoutAPidFile()
      throws Exception {
    LocalProcess started = start(List.of("sleep", "30"), "job/7/0");
    try {
      // The orchestrator died between the fork and writing the pid file.
      Files.delete(dir.resolve(LocalProcess.PID_FILE));

      LocalProcess adopted = LocalProcess.adopt(dir, MARKER, "job/7/0").orElseThrow();

      assertThat(adopted.pid()).as("the wrapper, not its program").isEqualTo(started.pid());
      assertThat(adopted.exitCode()).isNull();
      assertThat(LocalProcess.recorded(dir).orElseThrow().pid())
          .as("recorded now, for the next orchestrator")
          .isEqualTo(started.pid());
      Path other = Files.createDirectories(dir.resolve("rank-1"));
      assertThat(LocalProcess.adopt(other, MARKER, "job/7/1"))
          .as("no process carries another rank's marker, and it left no exit status")
          .isEmpty();
    } finally {
      started.kill();
    }
  }

  @Test
  void aProcessThatEndedWithoutAPidFileIsAdoptedAsEndedFromItsExitStatus() throws Exception {
    LocalProcess started = start(List.of("sh", "-c", "exit 4"), "job/8/0");
    assertThat(started.awaitExit(Duration.ofSeconds(10))).isTrue();
    Files.delete(dir.resolve(LocalProcess.PID_FILE));

    LocalProcess found = LocalProcess.adopt(dir, MARKER, "job/8/0").orElseThrow();

    assertThat(found.exitCode()).isEqualTo(4);
    assertThat(found.endedUnseen()).isFalse();
  }

  @Test
  void aProgramWhoseWrapperWasKilledAloneIsStoppedWithItsGroup() throws Exception {
    LocalProcess started = start(List.of("sleep", "30"), "job/1/2");
    ProcessHandle wrapper = ProcessHandle.of(started.pid()).orElseThrow();
    ProcessHandle program = awaitChild(wrapper);

    wrapper.destroyForcibly();
    assertThat(started.awaitExit(Duration.ofSeconds(10))).isTrue();
    assertThat(started.exitCode()).isEqualTo(137);
    assertThat(program.isAlive()).as("orphaned by the kill").isTrue();

    started.kill();
    assertThat(program.onExit()).succeedsWithin(Duration.ofSeconds(10));
  }

  private static ProcessHandle awaitChild(ProcessHandle parent) throws InterruptedException {
    return Eventually.value(
            () -> parent.children().findFirst(),
            java.util.Optional::isPresent,
            Duration.ofSeconds(10),
            Duration.ofMillis(20),
            none -> "no child of " + parent.pid())
        .orElseThrow();
  }

  private LocalProcess start(List<String> command, String marker) throws Exception {
    return LocalProcess.start(
        command, Map.of(MARKER, marker), dir, dir.resolve("out.log"), "node-a");
  }
}
