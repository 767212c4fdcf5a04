package io.baton.orchestrator.pools;

import static io.baton.orchestrator.pools.ChipHealth.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChipHealthSummaryTest {

  @Test
  void worstChipDecidesTheNodesHealth() {
    assertThat(new ChipHealthSummary("OOOO").worst()).isEqualTo(OK);
    assertThat(new ChipHealthSummary("OWOO").worst()).isEqualTo(WARNING);
    assertThat(new ChipHealthSummary("OWUO").worst()).isEqualTo(UNKNOWN);
    assertThat(new ChipHealthSummary("FWUO").worst()).isEqualTo(FAULT);
    assertThat(new ChipHealthSummary("").worst()).isEqualTo(UNKNOWN);
  }

  @Test
  void countsAndRoundTrip() {
    ChipHealthSummary summary = ChipHealthSummary.of(List.of(OK, WARNING, FAULT, OK, UNKNOWN));

    assertThat(summary.codes()).isEqualTo("OWFOU");
    assertThat(summary.count(OK)).isEqualTo(2);
    assertThat(summary.count(FAULT)).isEqualTo(1);
    assertThat(summary.get(1)).isEqualTo(WARNING);
  }

  @Test
  void changesNameEachChipThatMoved() {
    assertThat(new ChipHealthSummary("OOFO").changesSince(new ChipHealthSummary("OOOW")))
        .containsExactly(
            new ChipHealthSummary.Change(2, OK, FAULT),
            new ChipHealthSummary.Change(3, WARNING, OK));
    assertThat(new ChipHealthSummary("OO").changesSince(new ChipHealthSummary("")))
        .containsExactly(
            new ChipHealthSummary.Change(0, UNKNOWN, OK),
            new ChipHealthSummary.Change(1, UNKNOWN, OK));
    assertThat(new ChipHealthSummary("OOO").changesSince(new ChipHealthSummary("OOO"))).isEmpty();
  }

  @Test
  void lostMeansEveryChipUnknown() {
    assertThat(new ChipHealthSummary("OWF").allUnknown().codes()).isEqualTo("UUU");
  }

  @Test
  void onlyOkAndWarningAreSchedulable() {
    assertThat(List.of(ChipHealth.values()).stream().filter(ChipHealth::schedulable))
        .containsExactly(OK, WARNING);
  }

  @Test
  void unknownCodesAreRefused() {
    assertThatThrownBy(() -> new ChipHealthSummary("OX"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
