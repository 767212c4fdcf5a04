package io.baton.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamCapsTest {

  private final StreamCaps caps = new StreamCaps(3, 2);

  @Test
  void aStreamOpensBelowBothCaps() {
    assertThat(caps.refusal(0, 0)).isEmpty();
    assertThat(caps.refusal(2, 1)).isEmpty();
  }

  @Test
  void aCallerAtItsCapIsRefusedWhateverTheTotal() {
    assertThat(caps.refusal(2, 2)).hasValueSatisfying(r -> assertThat(r).contains("2 open"));
  }

  @Test
  void aFullReplicaRefusesEveryCaller() {
    assertThat(caps.refusal(3, 0))
        .hasValueSatisfying(r -> assertThat(r).contains("serves 3 event streams"));
  }
}
