package io.baton.agent.collect.nvidia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Link;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.ParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NvlinkParserTest {

  private static final List<Integer> EIGHT = IntStream.range(0, 8).boxed().toList();

  @Test
  void realH100StatusAndCounters() throws ParseException {
    Map<Integer, NvlinkParser.GpuLinks> status =
        NvlinkParser.parse(Fixtures.read("nvidia-smi/nvlink-status-1xH100.txt"));
    Map<Integer, NvlinkParser.GpuLinks> errors =
        NvlinkParser.parse(Fixtures.read("nvidia-smi/nvlink-errors-1xH100.txt"));

    assertThat(status.get(0).header())
        .isEqualTo("NVIDIA H100 80GB HBM3 (UUID: GPU-abcdefab-cdef-abdc-abcd-abababababab)");
    assertThat(status.get(0).status())
        .containsOnly(Map.entry(0, "26.562 GB/s"), Map.entry(17, "26.562 GB/s"));
    assertThat(errors.get(0).errors()).containsOnlyKeys(0, 1, 17);
    assertThat(errors.get(0).errors().get(17))
        .containsExactly(Map.entry("replay", 0L), Map.entry("recovery", 0L), Map.entry("crc", 0L));

    Map<Integer, List<Link>> links = NvlinkParser.links(status, errors, List.of(0));

    Map<String, Long> zero = Map.of("replay", 0L, "recovery", 0L, "crc", 0L);
    assertThat(links.get(0))
        .containsExactly(
            new Link("nvlink-0", LinkState.UP, zero), new Link("nvlink-17", LinkState.UP, zero));
  }

  @Test
  void anInactiveLinkOnANodeThatUsesNvlinkIsDownWithItsCounters() throws ParseException {
    Map<Integer, List<Link>> links =
        NvlinkParser.links(
            NvlinkParser.parse(
                Fixtures.read("nvidia-smi/nvlink-status-8xH100-gpu3-link5-inactive.txt")),
            NvlinkParser.parse(
                Fixtures.read("nvidia-smi/nvlink-errors-8xH100-gpu3-link5-errors.txt")),
            EIGHT);

    assertThat(links).containsOnlyKeys(EIGHT);
    assertThat(links.values()).allSatisfy(gpu -> assertThat(gpu).hasSize(18));
    assertThat(links.get(3).get(5))
        .isEqualTo(
            new Link(
                "nvlink-5", LinkState.DOWN, Map.of("replay", 142L, "recovery", 3L, "crc", 891L)));
    assertThat(links.get(6).get(2).errors()).containsEntry("crc", 12L);
    assertThat(links.get(6).get(2).state()).isEqualTo(LinkState.UP);
    assertThat(links.entrySet())
        .filteredOn(e -> e.getKey() != 3)
        .allSatisfy(e -> assertThat(e.getValue()).noneMatch(Link::isDown));
  }

  @Test
  void statusAndCountersInOneTextReadAsOne() throws ParseException {
    Map<Integer, NvlinkParser.GpuLinks> both =
        NvlinkParser.parse(
            Fixtures.read("nvidia-smi/nvlink-status-1xH100.txt")
                + Fixtures.read("nvidia-smi/nvlink-errors-1xH100.txt"));

    List<Link> links = NvlinkParser.links(both, both, List.of(0)).get(0);

    assertThat(links).extracting(Link::name).containsExactly("nvlink-0", "nvlink-17");
    assertThat(links).allSatisfy(l -> assertThat(l.errors()).containsEntry("crc", 0L));
  }

  @Test
  void aNodeWithoutActiveLinksDoesNotUseNvlinkAndReportsNone() throws ParseException {
    Map<Integer, NvlinkParser.GpuLinks> status =
        NvlinkParser.parse(Fixtures.read("nvidia-smi/nvlink-status-2xA100-pcie-no-bridge.txt"));

    assertThat(status.get(1).status()).hasSize(12).containsValue("<inactive>");
    assertThat(NvlinkParser.links(status, Map.of(), List.of(0, 1)))
        .containsExactly(Map.entry(0, List.of()), Map.entry(1, List.of()));
    assertThat(NvlinkParser.links(Map.of(), Map.of(), List.of(0)))
        .containsExactly(Map.entry(0, List.of()));
  }

  @Test
  void statusWordsThatAreNoBandwidthAreUnknown() throws ParseException {
    List<Link> links =
        NvlinkParser.links(
                NvlinkParser.parse(Fixtures.read("nvidia-smi/nvlink-status-unknown-words.txt")),
                Map.of(),
                List.of(0))
            .get(0);

    assertThat(links)
        .containsExactly(
            new Link("nvlink-0", LinkState.UP),
            new Link("nvlink-1", LinkState.UNKNOWN),
            new Link("nvlink-2", LinkState.DOWN));
  }

  @Test
  void aGpuWithoutLinkLinesOnANodeThatUsesNvlink() throws ParseException {
    Map<Integer, NvlinkParser.GpuLinks> status =
        NvlinkParser.parse(Fixtures.read("nvidia-smi/nvlink-status-header-only.txt"));

    Map<Integer, List<Link>> links = NvlinkParser.links(status, Map.of(), List.of(0, 1, 2));

    assertThat(links.get(0)).containsExactly(new Link("nvlink-0", LinkState.UP));
    assertThat(links.get(1)).containsExactly(new Link("nvlink", LinkState.DOWN));
    assertThat(links.get(2)).containsExactly(new Link("nvlink", LinkState.UNKNOWN));
  }

  @Test
  void theDriverMessageIsATypedOneLineError() {
    assertThatThrownBy(
            () -> NvlinkParser.parse(Fixtures.read("nvidia-smi/nvlink-driver-error.txt")))
        .isInstanceOf(ParseException.class)
        .hasMessageStartingWith("nvidia-smi nvlink: line 1: expected 'GPU <n>: ...', found")
        .hasMessageNotContaining("\n");
  }

  @Test
  void countersThatAreNoWholeNumbersAreLeftOut() throws ParseException {
    Map<Integer, NvlinkParser.GpuLinks> errors =
        NvlinkParser.parse(
            "GPU 0: x\n\t Link 0: Replay Errors: N/A\n\t Link 0: Effective BER: 1.5e-12\n"
                + "\t Link 0: Tx discards: 4\n\t Link 0, P2P is supported: true\n");

    assertThat(errors.get(0).errors().get(0)).containsExactly(Map.entry("tx-discards", 4L));
  }

  @Test
  void anEmptyOutputHasNoGpus() throws ParseException {
    assertThat(NvlinkParser.parse("\n")).isEmpty();
  }
}
