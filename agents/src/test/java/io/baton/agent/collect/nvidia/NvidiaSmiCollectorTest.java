package io.baton.agent.collect.nvidia;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Chip;
import io.baton.agent.collect.CommandRunner;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a real executable that prints captured nvidia-smi output for each subcommand. */
class NvidiaSmiCollectorTest {

  private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(5));

  @TempDir Path dir;

  @Test
  void gpusCarryTheirNvlinksWithCounters() throws Exception {
    Path tool =
        nvidiaSmi(
            "nvlink-status-8xH100-gpu3-link5-inactive.txt",
            "cat '" + fixture("nvlink-errors-8xH100-gpu3-link5-errors.txt") + "'");

    List<Chip> chips = collect(tool);

    assertThat(chips).hasSize(8);
    assertThat(chips).filteredOn(Chip::hasLinkDown).extracting(Chip::index).containsExactly(3);
    assertThat(chips.get(3).links().get(5))
        .isEqualTo(
            new Link(
                "nvlink-5", LinkState.DOWN, Map.of("replay", 142L, "recovery", 3L, "crc", 891L)));
  }

  @Test
  void failingCountersLeaveTheLinksWithoutThem() throws Exception {
    Path tool =
        nvidiaSmi(
            "nvlink-status-8xH100-gpu3-link5-inactive.txt", "echo 'not supported' >&2; exit 3");

    List<Chip> chips = collect(tool);

    assertThat(chips.get(3).links().get(5)).isEqualTo(new Link("nvlink-5", LinkState.DOWN));
    assertThat(chips.get(0).links()).allSatisfy(l -> assertThat(l.errors()).isEmpty());
  }

  @Test
  void aFailingStatusMakesEveryGpusLinkUnknown() throws Exception {
    Path tool =
        nvidiaSmi(null, "cat '" + fixture("nvlink-errors-8xH100-gpu3-link5-errors.txt") + "'");

    assertThat(collect(tool))
        .allSatisfy(
            chip ->
                assertThat(chip.links()).containsExactly(new Link("nvlink", LinkState.UNKNOWN)));
  }

  private List<Chip> collect(Path tool) throws Exception {
    return new NvidiaSmiCollector(
            tool.toString(), RUNNER, Map.of(), new NvlinkLinks(tool.toString(), RUNNER))
        .collect()
        .chips();
  }

  /**
   * @param status the fixture --status prints, or null for a driver failure
   * @param errors the shell command --errorcounters runs
   */
  private Path nvidiaSmi(String status, String errors) throws IOException {
    String statusCommand =
        status == null
            ? "cat '" + fixture("nvlink-driver-error.txt") + "'; exit 9"
            : "cat '" + fixture(status) + "'";
    Path tool = dir.resolve("nvidia-smi");
    Files.writeString(
        tool,
        "#!/bin/sh\n"
            + "if [ \"$1\" = \"nvlink\" ] && [ \"$2\" = \"--status\" ]; then "
            + statusCommand
            + "\n"
            + "elif [ \"$1\" = \"nvlink\" ]; then "
            + errors
            + "\n"
            + "else cat '"
            + fixture("query-8xA100-header.csv")
            + "'; fi\n");
    assertThat(tool.toFile().setExecutable(true)).isTrue();
    return tool;
  }

  private static String fixture(String name) {
    return Fixtures.path("nvidia-smi/" + name).toAbsolutePath().toString();
  }
}
