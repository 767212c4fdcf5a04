package io.baton.orchestrator.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RetentionTest {

  private static List<Retention.Candidate> steps(double... accuracy) {
    List<Retention.Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < accuracy.length; i++) {
      candidates.add(
          new Retention.Candidate(
              new UUID(0, i + 1),
              (i + 1) * 100L,
              Double.isNaN(accuracy[i]) ? null : accuracy[i],
              false));
    }
    return candidates;
  }

  @Test
  void keepsTheNewestN() {
    List<Retention.Candidate> c = steps(0.1, 0.2, 0.3, 0.4, 0.5);
    Map<UUID, String> doomed = Retention.toDelete(c, new Retention.Policy(2, null, true));
    assertThat(doomed.keySet()).containsExactly(c.get(0).id(), c.get(1).id(), c.get(2).id());
    assertThat(doomed.get(c.get(0).id())).contains("newest 2");
  }

  @Test
  void keepsTheBestByTheMetricEitherWay() {
    List<Retention.Candidate> c = steps(0.1, 0.9, 0.3, 0.4, 0.5);
    assertThat(Retention.toDelete(c, new Retention.Policy(2, "acc", true)).keySet())
        .containsExactly(c.get(0).id(), c.get(2).id());
    assertThat(Retention.toDelete(c, new Retention.Policy(2, "loss", false)).keySet())
        .containsExactly(c.get(1).id(), c.get(2).id());
  }

  @Test
  void neverDeletesPinnedOnesAndLeavesFewCheckpointsAlone() {
    List<Retention.Candidate> c = new ArrayList<>(steps(0.1, 0.2, 0.3));
    c.set(0, new Retention.Candidate(c.get(0).id(), c.get(0).step(), 0.1, true));
    assertThat(Retention.toDelete(c, new Retention.Policy(1, null, true)).keySet())
        .containsExactly(c.get(1).id());
    assertThat(Retention.toDelete(c, new Retention.Policy(3, null, true))).isEmpty();
    assertThat(Retention.toDelete(List.of(), new Retention.Policy(1, null, true))).isEmpty();
  }

  @Test
  void checkpointsWithoutTheMetricAreNotTheBest() {
    List<Retention.Candidate> c = steps(Double.NaN, 0.2, Double.NaN, 0.1);
    assertThat(Retention.toDelete(c, new Retention.Policy(1, "acc", true)).keySet())
        .containsExactly(c.get(0).id(), c.get(2).id());
  }

  @Test
  void keepingNothingIsRefused() {
    assertThatThrownBy(() -> new Retention.Policy(0, null, true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
