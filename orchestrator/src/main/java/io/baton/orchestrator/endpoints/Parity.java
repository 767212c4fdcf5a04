package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.Decision;

/**
 * Whether a replica answers the golden inputs as training did: every output within {@code
 * absTolerance + relTolerance × |expected|} of the golden one (numpy's {@code allclose}); a missing
 * row, a wrong width or a NaN fails.
 */
@Decision
public final class Parity {

  /** Tolerances used when a policy names none. */
  public static final double DEFAULT_ABS = 1e-5;

  public static final double DEFAULT_REL = 1e-4;

  private Parity() {}

  /**
   * The comparison's outcome, as gate evidence.
   *
   * @param worstRow the row of the largest absolute error, -1 when there is none
   * @param mismatch why the shapes differ, null when they match
   */
  public record Result(
      boolean passed,
      int outputs,
      double maxAbsError,
      double maxRelError,
      int worstRow,
      double absTolerance,
      double relTolerance,
      String mismatch) {}

  public static Result compare(double[][] expected, double[][] actual, double abs, double rel) {
    if (actual.length != expected.length) {
      return new Result(
          false,
          expected.length,
          Double.NaN,
          Double.NaN,
          -1,
          abs,
          rel,
          "expected " + expected.length + " output rows, got " + actual.length);
    }
    double maxAbs = 0;
    double maxRel = 0;
    int worst = -1;
    boolean passed = true;
    int count = 0;
    for (int i = 0; i < expected.length; i++) {
      if (actual[i].length != expected[i].length) {
        return new Result(
            false,
            count,
            Double.NaN,
            Double.NaN,
            i,
            abs,
            rel,
            "row " + i + ": expected " + expected[i].length + " values, got " + actual[i].length);
      }
      for (int j = 0; j < expected[i].length; j++) {
        double e = expected[i][j];
        double a = actual[i][j];
        double error = Math.abs(a - e);
        count++;
        if (Double.isNaN(error)) {
          passed = false;
          if (worst < 0) {
            worst = i;
          }
          continue;
        }
        if (error > maxAbs || worst < 0) {
          if (error > maxAbs) {
            maxAbs = error;
          }
          worst = i;
        }
        if (e != 0) {
          maxRel = Math.max(maxRel, error / Math.abs(e));
        } else if (error > 0) {
          maxRel = Double.POSITIVE_INFINITY;
        }
        if (error > abs + rel * Math.abs(e)) {
          passed = false;
        }
      }
    }
    return new Result(passed, count, maxAbs, maxRel, worst, abs, rel, null);
  }
}
