package io.baton.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetViewTest {

  @Test
  void chipsInIndexOrderStayAsTheyAre() {
    assertThat(FleetView.inIndexOrder("OWFU", "{0,1,2,3}")).isEqualTo("OWFU");
  }

  @Test
  void chipsKeptOutOfOrderAreSortedByIndexAndGapsShowAsAbsent() {
    assertThat(FleetView.inIndexOrder("FO", "{3,0}")).isEqualTo("O--F");
  }
}
