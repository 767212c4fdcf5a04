package io.baton.agent.collect.ascend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Chip;
import io.baton.agent.collect.CollectException;
import io.baton.agent.collect.CommandException;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Health;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a real executable that prints captured npu-smi output. */
class NpuSmiCollectorTest {

  @TempDir Path dir;

  @Test
  void asksForHealthDetailOnlyForChipsThatAreNotOk() throws Exception {
    Path calls = dir.resolve("calls.txt");
    Path tool =
        fakeNpuSmi(
            "echo \"$@\" >> '"
                + calls
                + "'\n"
                + "if [ \"$2\" = \"-t\" ]; then cat '"
                + Fixtures.path("npu-smi/health-alarm.txt").toAbsolutePath()
                + "'; else cat '"
                + Fixtures.path("npu-smi/info-4x910B3-faults.txt").toAbsolutePath()
                + "'; fi\n");

    List<Chip> chips =
        new NpuSmiCollector(tool.toString(), new CommandRunner(Duration.ofSeconds(5)))
            .collect()
            .chips();

    assertThat(Files.readAllLines(calls))
        .containsExactly(
            "info",
            "info -t health -i 5 -c 0",
            "info -t health -i 6 -c 0",
            "info -t health -i 7 -c 0");
    assertThat(chips)
        .extracting(Chip::health)
        .containsExactly(Health.OK, Health.FAULT, Health.FAULT, Health.FAULT);
    assertThat(chips.get(0).errorCodes()).isEmpty();
    assertThat(chips.get(2).errorCodes()).containsExactly("80E01801", "80E18402");
  }

  @Test
  void aFailingHealthQueryKeepsTheTableHealth() throws Exception {
    Path tool =
        fakeNpuSmi(
            "if [ \"$2\" = \"-t\" ]; then echo 'not supported' >&2; exit 3; fi\ncat '"
                + Fixtures.path("npu-smi/info-4x910B3-faults.txt").toAbsolutePath()
                + "'\n");

    List<Chip> chips =
        new NpuSmiCollector(tool.toString(), new CommandRunner(Duration.ofSeconds(5)))
            .collect()
            .chips();

    assertThat(chips)
        .extracting(Chip::health)
        .containsExactly(Health.OK, Health.WARNING, Health.FAULT, Health.FAULT);
  }

  @Test
  void aMissingBinaryIsACommandException() {
    NpuSmiCollector collector =
        new NpuSmiCollector(
            dir.resolve("no-such-npu-smi").toString(), new CommandRunner(Duration.ofSeconds(5)));

    assertThatThrownBy(collector::collect)
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("no-such-npu-smi: cannot run");
  }

  @Test
  void garbageFromTheToolIsAParseError() throws IOException {
    Path tool = fakeNpuSmi("echo 'dcmi module initialize failed. ret is -8005'\n");

    assertThatThrownBy(
            () ->
                new NpuSmiCollector(tool.toString(), new CommandRunner(Duration.ofSeconds(5)))
                    .collect())
        .isInstanceOf(CollectException.class)
        .hasMessageContaining("no chip table");
  }

  private Path fakeNpuSmi(String body) throws IOException {
    Path tool = dir.resolve("npu-smi");
    Files.writeString(tool, "#!/bin/sh\n" + body);
    assertThat(tool.toFile().setExecutable(true)).isTrue();
    return tool;
  }
}
