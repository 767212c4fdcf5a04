package io.baton.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {

  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(5));

  @Test
  void returnsStandardOutput() throws CommandException {
    assertThat(runner.run(List.of("sh", "-c", "echo one; echo two >&2; echo three")))
        .isEqualTo("one\nthree\n");
  }

  @Test
  void readsLargeOutputWithoutBlocking() throws CommandException {
    String out = runner.run(List.of("sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"));

    assertThat(out).hasSize(300_000);
  }

  @Test
  void aNonZeroExitCarriesTheFirstLineOfStderr() {
    assertThatThrownBy(
            () ->
                runner.run(
                    List.of("sh", "-c", "echo 'driver not loaded' >&2; echo more >&2; exit 6")))
        .isInstanceOf(CommandException.class)
        .hasMessageEndingWith("exit 6: driver not loaded");
  }

  @Test
  void aHangingToolIsKilledAtTheTimeout() {
    CommandRunner impatient = new CommandRunner(Duration.ofMillis(300));
    long start = System.nanoTime();

    assertThatThrownBy(() -> impatient.run(List.of("sleep", "30")))
        .isInstanceOf(CommandException.class)
        .hasMessage("sleep 30: timed out after 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aMissingBinaryIsOneLine() {
    assertThatThrownBy(() -> runner.run(List.of("/nonexistent/nvidia-smi")))
        .isInstanceOf(CommandException.class)
        .hasMessageStartingWith("/nonexistent/nvidia-smi: cannot run")
        .hasMessageNotContaining("\n");
  }
}
