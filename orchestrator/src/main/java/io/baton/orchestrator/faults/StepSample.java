package io.baton.orchestrator.faults;

/**
 * One step of one rank, as the progress protocol reports it: the step's wall time ({@code stepMs})
 * and the time before its collective ({@code computeMs}). Either may be missing (older trainers).
 *
 * @param rank the rank that reported the step
 * @param step the training step
 * @param stepMs wall time of the step; in synchronous training the same on every rank
 * @param computeMs time before the step's collective: where a slow chip shows
 */
public record StepSample(int rank, long step, Double stepMs, Double computeMs) {

  /** Whether {@code computeMs} is there and a usable duration. */
  boolean hasCompute() {
    return computeMs != null && Double.isFinite(computeMs) && computeMs >= 0;
  }

  boolean hasStep() {
    return stepMs != null && Double.isFinite(stepMs) && stepMs >= 0;
  }
}
