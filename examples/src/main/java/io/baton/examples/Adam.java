package io.baton.examples;

/**
 * Adam with a warm-up and cosine learning-rate schedule. The schedule is a pure function of (step,
 * total steps) and the moments live in {@link State}, so a checkpoint holds all the optimizer
 * needs.
 */
final class Adam {

  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPSILON = 1e-8;
  private static final double FINAL_LR_FRACTION = 0.1;

  private Adam() {}

  /** First and second moments, weights first then the bias. */
  record State(double[] m, double[] v) {
    static State zeros(int parameters) {
      return new State(new double[parameters], new double[parameters]);
    }
  }

  static double learningRate(double base, int step, int totalSteps) {
    int warmup = Math.max(1, totalSteps / 20);
    if (step <= warmup) {
      return base * step / warmup;
    }
    double progress = (double) (step - warmup) / Math.max(1, totalSteps - warmup);
    double cosine = 0.5 * (1 + StrictMath.cos(Math.PI * Math.min(1, progress)));
    return base * (FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * cosine);
  }

  /**
   * One update with the mean gradient {@code grad} ({@code [dw.., db]}) at 1-based {@code step};
   * returns the new model and moments and leaves the inputs untouched.
   */
  static TrainState step(TrainState state, double[] grad, int step, double lr) {
    float[] weight = state.model().weight();
    int n = weight.length;
    double[] m = state.adam().m().clone();
    double[] v = state.adam().v().clone();
    double correction1 = 1 - StrictMath.pow(BETA1, step);
    double correction2 = 1 - StrictMath.pow(BETA2, step);
    double[] params = new double[n + 1];
    for (int i = 0; i < n; i++) {
      params[i] = weight[i];
    }
    params[n] = state.model().bias();
    float[] newWeight = new float[n];
    float newBias = 0;
    for (int i = 0; i <= n; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
      double update = lr * (m[i] / correction1) / (StrictMath.sqrt(v[i] / correction2) + EPSILON);
      float value = (float) (params[i] - update);
      if (i < n) {
        newWeight[i] = value;
      } else {
        newBias = value;
      }
    }
    return new TrainState(step, new LogisticModel(newWeight, newBias), new State(m, v));
  }
}
