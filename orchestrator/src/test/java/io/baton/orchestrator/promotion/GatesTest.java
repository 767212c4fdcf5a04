package io.baton.orchestrator.promotion;

import static io.baton.orchestrator.jobs.CheckpointSelection.BEST;
import static io.baton.orchestrator.jobs.MetricMode.MAX;
import static io.baton.orchestrator.jobs.MetricMode.MIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.jobs.CheckpointSelection;
import io.baton.orchestrator.jobs.JobSpec;
import io.baton.orchestrator.jobs.MetricMode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GatesTest {

  private static JobSpec.PromotionSpec policy(
      CheckpointSelection select, String metric, MetricMode mode) {
    return new JobSpec.PromotionSpec(
        "e", select, metric, mode, null, null, null, null, null, null, null);
  }

  private static final List<Gates.Candidate> CANDIDATES =
      List.of(
          new Gates.Candidate(new UUID(0, 1), 100, Map.of("acc", 0.8, "loss", 0.5)),
          new Gates.Candidate(new UUID(0, 2), 200, Map.of("acc", 0.9, "loss", 0.3)),
          new Gates.Candidate(new UUID(0, 3), 300, Map.of("acc", 0.9, "loss", 0.4)),
          new Gates.Candidate(new UUID(0, 4), 400, Map.of()));

  @Test
  void selectsTheNewestOrTheBestTiesToTheNewer() {
    assertThat(Gates.select(CANDIDATES, policy(null, null, null)).orElseThrow().step())
        .isEqualTo(400);
    assertThat(Gates.select(CANDIDATES, policy(BEST, "acc", MAX)).orElseThrow().step())
        .isEqualTo(300);
    assertThat(Gates.select(CANDIDATES, policy(BEST, "loss", MIN)).orElseThrow().step())
        .isEqualTo(200);
    assertThat(Gates.select(CANDIDATES, policy(BEST, "f1", MAX))).isEmpty();
    assertThat(Gates.select(List.of(), policy(null, null, null))).isEmpty();
  }

  @Test
  void verificationNeedsTheFileItsHashAndItsSize() {
    assertThat(Gates.verify(true, "AB", 3L, "ab", 3).passed()).isTrue();
    assertThat(Gates.verify(false, "ab", 3L, null, 0).reason()).contains("missing");
    assertThat(Gates.verify(true, "ab", 3L, "cd", 3).reason()).contains("sha256 is cd");
    assertThat(Gates.verify(true, "ab", 4L, "ab", 3).reason()).contains("size is 3");
    assertThat(Gates.verify(true, null, 3L, "ab", 3).passed()).isFalse();
  }

  @Test
  void evaluationChecksInclusiveBoundsAndMissingMetrics() {
    Map<String, Gates.MetricCheck> checks =
        Gates.evaluate(
            Map.of("acc", 0.8, "loss", 0.6),
            Map.of(
                "acc", new JobSpec.Bound(0.8, null),
                "loss", new JobSpec.Bound(null, 0.5),
                "f1", new JobSpec.Bound(0.1, 1.0)));
    assertThat(checks.get("acc").passed()).isTrue();
    assertThat(checks.get("loss").passed()).isFalse();
    assertThat(checks.get("f1").passed()).isFalse();
    assertThat(checks.get("f1").value()).isNull();
    assertThat(checks.keySet()).containsExactly("acc", "f1", "loss");
  }

  @Test
  void conversionOnlyWhenFormatsDiffer() {
    assertThat(Gates.needsConversion("safetensors", "safetensors")).isFalse();
    assertThat(Gates.needsConversion("SafeTensors", "safetensors")).isFalse();
    assertThat(Gates.needsConversion(null, "safetensors")).isFalse();
    assertThat(Gates.needsConversion("mindspore", "safetensors")).isTrue();
  }

  @Test
  void stateTableWalksTheGatesInOrder() {
    assertThat(PromotionState.PENDING.next())
        .containsExactlyInAnyOrder(PromotionState.VERIFYING, PromotionState.REJECTED);
    assertThat(PromotionState.PARITY.canMoveTo(PromotionState.ROLLING_OUT)).isTrue();
    assertThat(PromotionState.PARITY.canMoveTo(PromotionState.ACTIVE)).isFalse();
    assertThat(PromotionState.ROLLING_OUT.next())
        .containsExactlyInAnyOrder(PromotionState.ACTIVE, PromotionState.ROLLED_BACK);
    for (PromotionState s : PromotionState.values()) {
      assertThat(s.isTerminal())
          .isEqualTo(
              List.of(PromotionState.ACTIVE, PromotionState.REJECTED, PromotionState.ROLLED_BACK)
                  .contains(s));
    }
  }
}
