package io.baton.agent.collect.ascend;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real executables that print captured npu-smi and hccn_tool output. */
class HccnLinksTest {

  private static final CommandRunner RUNNER = new CommandRunner(Duration.ofSeconds(5));

  @TempDir Path dir;

  @Test
  void everyChipGetsItsRoceLinkAndNetworkHealth() throws Exception {
    Path calls = dir.resolve("calls.txt");
    Path hccn =
        tool(
            "hccn_tool",
            "echo \"$@\" >> '"
                + calls
                + "'\n"
                + "if [ \"$3\" = \"-link\" ]; then\n"
                + "  if [ \"$2\" = \"2\" ]; then cat '"
                + fixture("hccn_tool/link-down.txt")
                + "'; else cat '"
                + fixture("hccn_tool/link-up.txt")
                + "'; fi\n"
                + "else\n"
                + "  if [ \"$2\" = \"2\" ]; then cat '"
                + fixture("hccn_tool/net-health-fault.txt")
                + "'; else cat '"
                + fixture("hccn_tool/net-health-success.txt")
                + "'; fi\n"
                + "fi\n");
    Path npuSmi = tool("npu-smi", "cat '" + fixture("npu-smi/info-8x910B1.txt") + "'\n");

    List<Chip> chips =
        new NpuSmiCollector(npuSmi.toString(), RUNNER, new HccnLinks(hccn.toString(), RUNNER))
            .collect()
            .chips();

    assertThat(Files.readAllLines(calls))
        .hasSize(16)
        .startsWith("-i 0 -link -g", "-i 0 -net_health -g");
    assertThat(chips).filteredOn(Chip::hasLinkDown).extracting(Chip::index).containsExactly(2);
    assertThat(chips.get(2).links())
        .containsExactly(new Link("roce", LinkState.DOWN), new Link("net-health", LinkState.DOWN));
    assertThat(chips.get(0).links())
        .containsExactly(new Link("roce", LinkState.UP), new Link("net-health", LinkState.UP));
  }

  @Test
  void aMissingHccnToolGivesUnknownLinksNeverHealthyOnes() throws Exception {
    Path npuSmi = tool("npu-smi", "cat '" + fixture("npu-smi/info-1x910B4.txt") + "'\n");

    Chip chip =
        new NpuSmiCollector(
                npuSmi.toString(),
                RUNNER,
                new HccnLinks(dir.resolve("no-such-hccn_tool").toString(), RUNNER))
            .collect()
            .chips()
            .get(0);

    assertThat(chip.links())
        .containsExactly(
            new Link("roce", LinkState.UNKNOWN), new Link("net-health", LinkState.UNKNOWN));
    assertThat(chip.hasLinkDown()).isFalse();
  }

  @Test
  void aFailingOrUnreadableQueryGivesThatLinkUnknown() throws Exception {
    Path hccn =
        tool(
            "hccn_tool",
            "if [ \"$3\" = \"-link\" ]; then cat '"
                + fixture("hccn_tool/link-garbage.txt")
                + "'; else echo 'device busy' >&2; exit 1; fi\n");

    assertThat(new HccnLinks(hccn.toString(), RUNNER).read(0))
        .containsExactly(
            new Link("roce", LinkState.UNKNOWN), new Link("net-health", LinkState.UNKNOWN));
  }

  @Test
  void withoutAReaderChipsCarryNoLinks() throws Exception {
    Path npuSmi = tool("npu-smi", "cat '" + fixture("npu-smi/info-1x910B4.txt") + "'\n");

    assertThat(new NpuSmiCollector(npuSmi.toString(), RUNNER).collect().chips().get(0).links())
        .isEmpty();
  }

  private static String fixture(String name) {
    return Fixtures.path(name).toAbsolutePath().toString();
  }

  private Path tool(String name, String body) throws IOException {
    Path tool = dir.resolve(name);
    Files.writeString(tool, "#!/bin/sh\n" + body);
    assertThat(tool.toFile().setExecutable(true)).isTrue();
    return tool;
  }
}
