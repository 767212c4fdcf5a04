package io.baton.orchestrator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaPlacementTest {

  @Test
  void spreadsOverTheNodeWithMostFreeChips() {
    List<ReplicaPlacement.Slots> nodes =
        List.of(
            new ReplicaPlacement.Slots("gpu-0", true, 2),
            new ReplicaPlacement.Slots("gpu-1", true, 2));
    assertThat(ReplicaPlacement.place(nodes, Set.of("gpu-0/0")))
        .contains(new ReplicaPlacement.Choice("gpu-1", 0));
    assertThat(ReplicaPlacement.place(nodes, Set.of()))
        .contains(new ReplicaPlacement.Choice("gpu-0", 0));
  }

  @Test
  void silentNodesComeLastAndAFullPoolHasNoPlace() {
    List<ReplicaPlacement.Slots> nodes =
        List.of(
            new ReplicaPlacement.Slots("a", false, 8), new ReplicaPlacement.Slots("b", true, 1));
    assertThat(ReplicaPlacement.place(nodes, Set.of()))
        .contains(new ReplicaPlacement.Choice("b", 0));
    assertThat(ReplicaPlacement.place(nodes, Set.of("b/0")))
        .contains(new ReplicaPlacement.Choice("a", 0));
    assertThat(
            ReplicaPlacement.place(
                List.of(new ReplicaPlacement.Slots("b", true, 1)), Set.of("b/0")))
        .isEmpty();
  }
}
