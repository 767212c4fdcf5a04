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
    assertThat(FaultResponder.signals(null)).isEmpty();
    assertThat(FaultResponder.signals(JSON.readTree("{}"))).isEmpty();
  }
}
