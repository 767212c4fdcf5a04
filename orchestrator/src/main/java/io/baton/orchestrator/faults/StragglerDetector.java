package io.baton.orchestrator.faults;

import io.baton.orchestrator.Decision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the ranks that drag their gang: {@code detect(samples, factor, window) -> stragglers}.
 *
 * <p>Each rank is judged over its newest {@code window} reported steps that carry {@code
 * computeMs}. A rank whose median {@code computeMs} over its window exceeds the median of the other
 * ranks' medians by more than {@code factor} is a straggler. Medians keep single noisy steps (a
 * checkpoint write, a GC pause) from counting; comparing with the <em>other</em> ranks rather than
 * the whole gang keeps a slow rank from pulling the reference towards itself (in a gang of two the
 * whole gang's median is the mean of both, and a rank 50 % slower would look only 20 % slower).
 *
 * <p>So a rank slow from its first step is flagged once it has reported exactly {@code window}
 * steps; one that turns slow later is flagged when slow steps are the majority of its window. A
 * rank with fewer than {@code window} usable samples (a new attempt, an older trainer that does not
 * report {@code computeMs}, lost lines) is neither judged nor used as a reference, and a gang with
 * fewer than two judged ranks has no stragglers. Callers pass the recent samples of the job's
 * current attempt.
 */
@Decision
public final class StragglerDetector {

  private StragglerDetector() {}

  /**
   * The stragglers among the ranks of {@code samples}, slowest first.
   *
   * @param factor how much slower than the rest of the gang makes a straggler, e.g. 1.25
   * @param window reported steps each rank is judged over
   */
  public static List<Straggler> detect(Collection<StepSample> samples, double factor, int window) {
    if (!(factor >= 1.0)) {
      throw new IllegalArgumentException("factor must be at least 1, was " + factor);
    }
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1 step, was " + window);
    }
    Map<Integer, List<StepSample>> windows = windows(samples, window);
    if (windows.size() < 2) {
      return List.of();
    }
    Map<Integer, Double> medians = new TreeMap<>();
    windows.forEach(
        (rank, steps) ->
            medians.put(rank, median(steps.stream().mapToDouble(StepSample::computeMs).toArray())));
    Double stepMs = gangStepMs(windows.values());
    List<Straggler> stragglers = new ArrayList<>();
    for (Map.Entry<Integer, Double> rank : medians.entrySet()) {
      double others =
          median(
              medians.entrySet().stream()
                  .filter(e -> !e.getKey().equals(rank.getKey()))
                  .mapToDouble(Map.Entry::getValue)
                  .toArray());
      if (others <= 0) {
        continue;
      }
      double ratio = rank.getValue() / others;
      if (ratio > factor) {
        List<StepSample> steps = windows.get(rank.getKey());
        stragglers.add(
            new Straggler(
                rank.getKey(),
                ratio,
                rank.getValue(),
                others,
                stepMs,
                steps.get(0).step(),
                steps.get(steps.size() - 1).step()));
      }
    }
    stragglers.sort(
        Comparator.comparingDouble(Straggler::factor).reversed().thenComparing(Straggler::rank));
    return stragglers;
  }

  /** Each rank's newest {@code window} steps with {@code computeMs}; ranks with fewer left out. */
  private static Map<Integer, List<StepSample>> windows(
      Collection<StepSample> samples, int window) {
    Map<Integer, TreeMap<Long, StepSample>> byRank = new TreeMap<>();
    for (StepSample sample : samples) {
      if (sample.hasCompute()) {
        byRank.computeIfAbsent(sample.rank(), r -> new TreeMap<>()).put(sample.step(), sample);
      }
    }
    Map<Integer, List<StepSample>> windows = new TreeMap<>();
    byRank.forEach(
        (rank, steps) -> {
          if (steps.size() >= window) {
            List<StepSample> all = new ArrayList<>(steps.values());
            windows.put(rank, List.copyOf(all.subList(all.size() - window, all.size())));
          }
        });
    return windows;
  }

  private static Double gangStepMs(Collection<List<StepSample>> windows) {
    double[] steps =
        windows.stream()
            .flatMap(List::stream)
            .filter(StepSample::hasStep)
            .mapToDouble(StepSample::stepMs)
            .toArray();
    return steps.length == 0 ? null : median(steps);
  }

  /** The median; the mean of the two middle values for an even count. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
