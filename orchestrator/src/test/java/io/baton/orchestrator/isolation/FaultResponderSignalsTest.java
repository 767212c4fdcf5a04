package io.baton.orchestrator.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What a node's last report shows, as the fault policy's signals. */
class FaultResponderSignalsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void linksNotUpAndErrorCodesAreSignalsPerChip() {
    Map<Integer, Set<String>> signals =
        FaultResponder.signals(
            "sim",
            JSON.readTree(
                """
                [
                  {"index": 0, "health": "OK", "links": [{"name": "eth0", "state": "UP"}]},
                  {"index": 1, "health": "OK", "links": [{"name": "eth1", "state": "DOWN"}]},
                  {"index": 2, "health": "WARNING", "errorCodes": ["0x80e18005", "XID 79"]},
                  {"index": 3, "health": "OK", "links": [{"name": "eth3", "state": "unknown"}]},
                  {"index": 4, "health": "OK", "errorCodes": ["not a code!"]}
                ]
                """));

    assertThat(signals)
        .containsExactly(
            Map.entry(1, Set.of("link:DOWN")),
            Map.entry(2, Set.of("ascend:80E18005", "xid:79")),
            Map.entry(3, Set.of("link:UNKNOWN")));
  }

  @Test
  void aNodeWithoutChipsShowsNothing() {
    assertThat(FaultResponder.signals("ascend", null)).isEmpty();
    assertThat(FaultResponder.signals("ascend", JSON.readTree("{}"))).isEmpty();
  }

  @Test
  void anAscendAgentsHealthWordOtherThanOkIsASignal() {
    String chips =
        """
        [
          {"index": 0, "health": "OK", "rawHealth": "OK"},
          {"index": 1, "health": "FAULT", "rawHealth": "Alarm"},
          {"index": 2, "health": "WARNING", "rawHealth": "Warning", "errorCodes": ["80E18405"]},
          {"index": 3, "health": "FAULT", "rawHealth": "Critical"}
        ]
        """;

    assertThat(FaultResponder.signals("ascend", JSON.readTree(chips)))
        .containsExactly(
            Map.entry(1, Set.of("ascend-health:alarm")),
            Map.entry(2, Set.of("ascend-health:warning", "ascend:80E18405")),
            Map.entry(3, Set.of("ascend-health:critical")));
    assertThat(FaultResponder.signals("sim", JSON.readTree(chips)))
        .as("a simulated chip's health word is Baton's own, not npu-smi's")
        .containsExactly(Map.entry(2, Set.of("ascend:80E18405")));
  }

  @Test
  void nvidiaXidsAndMemoryErrorStatesAreSignals() {
    assertThat(
            FaultResponder.signals(
                "nvidia",
                JSON.readTree(
                    """
                    [
                      {"index": 0, "health": "OK"},
                      {"index": 1, "health": "FAULT", "errorCodes": ["XID 48"],
                       "memoryErrors": ["uncorrected", "retired-pages-pending"]},
                      {"index": 2, "health": "WARNING", "memoryErrors": ["row-remap-pending"]},
                      {"index": 3, "health": "FAULT", "memoryErrors": ["row-remap-failure", "?!"]}
                    ]
                    """)))
        .containsExactly(
            Map.entry(1, Set.of("xid:48", "ecc:uncorrected", "ecc:retired-pages-pending")),
            Map.entry(2, Set.of("ecc:row-remap-pending")),
            Map.entry(3, Set.of("ecc:row-remap-failure")));
  }
}
