package io.baton.orchestrator.checkpoints;

import io.baton.orchestrator.Decision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which of a job's checkpoints retention deletes: everything but the newest {@code keepLast}, the
 * best by the policy's metric, and the pinned ones (promoted, used by a promotion in flight, or the
 * one the next attempt resumes from).
 */
@Decision
final class Retention {

  private Retention() {}

  /**
   * @param best the metric that ranks checkpoints, null for none; {@code maximize}: higher is
   *     better
   */
  public record Policy(int keepLast, String best, boolean maximize) {
    public Policy {
      if (keepLast < 1) {
        throw new IllegalArgumentException("keepLast must be at least 1");
      }
    }
  }

  /**
   * A live checkpoint: its step, the policy metric's value (null if it has none), pinned or not.
   */
  public record Candidate(UUID id, long step, Double metric, boolean pinned) {}

  /** Why each deleted checkpoint goes; its keys are in step order, oldest first. */
  public static Map<UUID, String> toDelete(List<Candidate> candidates, Policy policy) {
    List<Candidate> newestFirst =
        candidates.stream().sorted(Comparator.comparingLong(Candidate::step).reversed()).toList();
    UUID best = null;
    if (policy.best() != null) {
      Comparator<Candidate> ascending = Comparator.comparingDouble(Candidate::metric);
      Comparator<Candidate> byMetric = policy.maximize() ? ascending : ascending.reversed();
      // Ties go to the newer checkpoint.
      best =
          newestFirst.stream()
              .filter(c -> c.metric() != null && !c.metric().isNaN())
              .reduce((a, b) -> byMetric.compare(b, a) > 0 ? b : a)
              .map(Candidate::id)
              .orElse(null);
    }
    List<Candidate> doomed = new ArrayList<>();
    for (int i = policy.keepLast(); i < newestFirst.size(); i++) {
      Candidate c = newestFirst.get(i);
      if (!c.pinned() && !c.id().equals(best)) {
        doomed.add(c);
      }
    }
    Map<UUID, String> reasons = new LinkedHashMap<>();
    doomed.stream()
        .sorted(Comparator.comparingLong(Candidate::step))
        .forEach(
            c ->
                reasons.put(
                    c.id(),
                    "retention: not among the newest "
                        + policy.keepLast()
                        + (policy.best() == null ? "" : ", not the best by " + policy.best())
                        + ", not promoted"));
    return reasons;
  }
}
