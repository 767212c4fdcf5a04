package io.baton.orchestrator.promotion;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.jobs.CheckpointSelection;
import io.baton.orchestrator.jobs.JobSpec;
import io.baton.orchestrator.jobs.MetricMode;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The pure parts of the gates: which checkpoint, do the hashes match, do the metrics pass. */
@Decision
final class Gates {

  private Gates() {}

  /** A checkpoint as selection sees it. */
  public record Candidate(UUID id, long step, Map<String, Double> metrics) {}

  /**
   * The newest checkpoint, or the best by the policy's metric (ties: the newer); empty when there
   * is none to choose (or none has the metric).
   */
  public static Optional<Candidate> select(
      List<Candidate> candidates, JobSpec.PromotionSpec policy) {
    Comparator<Candidate> newest = Comparator.comparingLong(Candidate::step);
    if (policy.select() != CheckpointSelection.BEST) {
      return candidates.stream().max(newest);
    }
    String metric = policy.metric();
    boolean minimize = policy.mode() == MetricMode.MIN;
    Comparator<Candidate> byMetric =
        Comparator.comparingDouble((Candidate c) -> c.metrics().get(metric));
    if (minimize) {
      byMetric = byMetric.reversed();
    }
    Comparator<Candidate> order = byMetric.thenComparing(newest);
    return candidates.stream()
        .filter(c -> c.metrics().get(metric) != null && !c.metrics().get(metric).isNaN())
        .max(order);
  }

  /** VERIFYING: the file is there, and its hash and size are the reported ones. */
  public record Verification(boolean passed, String reason) {}

  public static Verification verify(
      boolean exists,
      String expectedSha256,
      Long expectedSize,
      String actualSha256,
      long actualSize) {
    if (!exists) {
      return new Verification(false, "the checkpoint file is missing");
    }
    if (expectedSha256 == null) {
      return new Verification(false, "the rank reported no sha256 for the checkpoint");
    }
    if (!expectedSha256.equalsIgnoreCase(actualSha256)) {
      return new Verification(
          false, "sha256 is " + actualSha256 + ", the rank reported " + expectedSha256);
    }
    if (expectedSize != null && expectedSize != actualSize) {
      return new Verification(
          false, "size is " + actualSize + " bytes, the rank reported " + expectedSize);
    }
    return new Verification(true, "sha256 and size match what the rank reported");
  }

  /** One metric's check: its value (null when missing) against the bounds. */
  public record MetricCheck(Double value, Double min, Double max, boolean passed) {}

  /** EVALUATING: every bounded metric is present and within its inclusive bounds. */
  public static Map<String, MetricCheck> evaluate(
      Map<String, Double> metrics, Map<String, JobSpec.Bound> thresholds) {
    Map<String, MetricCheck> checks = new LinkedHashMap<>();
    thresholds.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Double value = metrics.get(e.getKey());
              JobSpec.Bound bound = e.getValue();
              boolean passed =
                  value != null
                      && !value.isNaN()
                      && (bound.min() == null || value >= bound.min())
                      && (bound.max() == null || value <= bound.max());
              checks.put(e.getKey(), new MetricCheck(value, bound.min(), bound.max(), passed));
            });
    return checks;
  }

  /** Whether the checkpoint must be converted before it can serve. */
  public static boolean needsConversion(String format, String servingFormat) {
    return format != null && !format.equalsIgnoreCase(servingFormat);
  }
}
