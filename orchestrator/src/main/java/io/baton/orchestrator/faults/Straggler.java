package io.baton.orchestrator.faults;

/**
 * A rank found slower than its gang by {@link StragglerDetector}.
 *
 * @param rank the slow rank
 * @param factor its median {@code computeMs} over the window ÷ the median of the rest of the gang's
 * @param computeMs the rank's median {@code computeMs} over the window
 * @param gangComputeMs the median over the other ranks of their median {@code computeMs}
 * @param stepMs the gang's median {@code stepMs} over the window, or null when no rank reported it
 * @param fromStep first step of the window
 * @param toStep last step of the window
 */
public record Straggler(
    int rank,
    double factor,
    double computeMs,
    double gangComputeMs,
    Double stepMs,
    long fromStep,
    long toStep) {

  /** Time the gang loses per step waiting for this rank (its extra compute time). */
  public double lostMsPerStep() {
    return Math.max(0, computeMs - gangComputeMs);
  }

  /**
   * What a step would take without this rank: the measured step time less what it loses to the
   * straggler; the gang's compute time when no step time was reported (a lower bound).
   */
  public double normalStepMs() {
    return stepMs == null ? gangComputeMs : Math.max(gangComputeMs, stepMs - lostMsPerStep());
  }
}
