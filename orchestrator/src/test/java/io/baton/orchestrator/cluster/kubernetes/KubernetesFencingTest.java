package io.baton.orchestrator.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.pools.ChipHealthSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure fencing decision. */
class KubernetesFencingTest {

  private static final List<Integer> CHIPS = List.of(0, 1, 2, 3);
  private static final Fencing.NodeView OPEN = new Fencing.NodeView(false, null, false, false);

  @Test
  void aFaultyChipFencesTheNodeNamingTheChips() {
    assertThat(Fencing.decide(chips("OFOF"), OPEN)).isEqualTo(new Fencing.Fence("chip-1.3", true));
  }

  @Test
  void aNodeAnOperatorCordonedIsTaintedButNotMarkedAsOurCordon() {
    assertThat(Fencing.decide(chips("OFOO"), new Fencing.NodeView(true, null, false, false)))
        .isEqualTo(new Fencing.Fence("chip-1", false));
  }

  @Test
  void aFencedNodeStaysAsItIsAndANewFaultUpdatesTheTaint() {
    Fencing.NodeView fenced = new Fencing.NodeView(true, "chip-1", true, false);

    assertThat(Fencing.decide(chips("OFOO"), fenced)).isInstanceOf(Fencing.Keep.class);
    assertThat(Fencing.decide(chips("OFFO"), fenced))
        .isEqualTo(new Fencing.Fence("chip-1.2", false));
  }

  @Test
  void aHealthyNodeIsReleasedAndUncordonedOnlyIfBatonCordonedIt() {
    assertThat(Fencing.decide(chips("OWOO"), new Fencing.NodeView(true, "chip-1", true, false)))
        .isEqualTo(new Fencing.Release(true));
    assertThat(Fencing.decide(chips("OOOO"), new Fencing.NodeView(true, "chip-1", false, false)))
        .isEqualTo(new Fencing.Release(false));
  }

  @Test
  void anOperatorsHoldKeepsAHealthyNodeFenced() {
    assertThat(Fencing.decide(chips("OOOO"), new Fencing.NodeView(true, "chip-1", true, true)))
        .isEqualTo(new Fencing.Keep("held by an operator"));
  }

  @Test
  void unknownHealthChangesNothing() {
    Fencing.NodeView fenced = new Fencing.NodeView(true, "chip-1", true, false);

    assertThat(Fencing.decide(chips("UUUU"), fenced)).isInstanceOf(Fencing.Keep.class);
    assertThat(
            Fencing.decide(new Fencing.Chips(new ChipHealthSummary("OOOO"), CHIPS, true), fenced))
        .isInstanceOf(Fencing.Keep.class);
    assertThat(Fencing.decide(chips("OOOO"), OPEN)).isInstanceOf(Fencing.Keep.class);
  }

  private static Fencing.Chips chips(String codes) {
    return new Fencing.Chips(new ChipHealthSummary(codes), CHIPS, false);
  }
}
