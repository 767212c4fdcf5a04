package io.baton.examples;

/**
 * Logistic regression with F32 parameters, {@code p(y=1|x) = sigmoid(w·x + b)}. Arithmetic is done
 * in double with {@link StrictMath}, so results are bit-identical across runs, ranks and JVMs —
 * which exact resume and the golden-set parity check rely on.
 */
record LogisticModel(float[] weight, float bias) {

  static LogisticModel zeros(int features) {
    return new LogisticModel(new float[features], 0f);
  }

  int features() {
    return weight.length;
  }

  /** Gradient vector length: one per weight, one for the bias, then loss sum and sample count. */
  int accumulatorSize() {
    return weight.length + 3;
  }

  double logit(float[] x) {
    double z = bias;
    for (int i = 0; i < weight.length; i++) {
      z += (double) weight[i] * x[i];
    }
    return z;
  }

  double probability(float[] x) {
    return sigmoid(logit(x));
  }

  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + StrictMath.exp(-z));
    }
    double e = StrictMath.exp(z);
    return e / (1 + e);
  }

  /** Binary cross-entropy from the logit, stable for large |z|. */
  static double loss(double z, float y) {
    return Math.max(z, 0) - z * y + StrictMath.log1p(StrictMath.exp(-Math.abs(z)));
  }

  /**
   * Adds the summed gradient and loss of {@code indices[from..to)} to {@code acc}, laid out as
   * {@code [dw_0..dw_{n-1}, db, lossSum, count]} so that ranks can simply add their vectors.
   */
  void accumulate(float[][] xs, float[] ys, int[] indices, int from, int to, double[] acc) {
    int n = weight.length;
    for (int k = from; k < to; k++) {
      float[] x = xs[indices[k]];
      float y = ys[indices[k]];
      double z = logit(x);
      double residual = sigmoid(z) - y;
      for (int i = 0; i < n; i++) {
        acc[i] += residual * x[i];
      }
      acc[n] += residual;
      acc[n + 1] += loss(z, y);
      acc[n + 2] += 1;
    }
  }

  Evaluation evaluate(float[][] xs, float[] ys) {
    int correct = 0;
    double lossSum = 0;
    for (int k = 0; k < xs.length; k++) {
      double z = logit(xs[k]);
      lossSum += loss(z, ys[k]);
      if ((z >= 0) == (ys[k] >= 0.5f)) {
        correct++;
      }
    }
    return new Evaluation((double) correct / xs.length, lossSum / xs.length);
  }

  /** Held-out accuracy (threshold 0.5) and mean cross-entropy. */
  record Evaluation(double accuracy, double loss) {}
}
