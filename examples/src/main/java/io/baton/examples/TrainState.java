package io.baton.examples;

/**
 * All a rank needs to continue training exactly: the last completed step, the F32 parameters and
 * the optimizer moments. Batches and the learning rate are pure functions of (seed, step).
 */
record TrainState(int step, LogisticModel model, Adam.State adam) {

  static TrainState initial(int features) {
    return new TrainState(0, LogisticModel.zeros(features), Adam.State.zeros(features + 1));
  }

  /** Flattened for the rank-0 broadcast: {@code [step, w.., b, m.., v..]}; exact for F32 values. */
  double[] toVector() {
    float[] weight = model.weight();
    int p = weight.length + 1;
    double[] vector = new double[1 + 3 * p];
    vector[0] = step;
    for (int i = 0; i < weight.length; i++) {
      vector[1 + i] = weight[i];
    }
    vector[p] = model.bias();
    System.arraycopy(adam.m(), 0, vector, 1 + p, p);
    System.arraycopy(adam.v(), 0, vector, 1 + 2 * p, p);
    return vector;
  }

  static TrainState fromVector(double[] vector, int features) {
    int p = features + 1;
    if (vector.length != 1 + 3 * p) {
      throw DemoException.peer(
          "rank 0 sent a state of " + vector.length + " values, expected " + (1 + 3 * p));
    }
    float[] weight = new float[features];
    for (int i = 0; i < features; i++) {
      weight[i] = (float) vector[1 + i];
    }
    double[] m = new double[p];
    double[] v = new double[p];
    System.arraycopy(vector, 1 + p, m, 0, p);
    System.arraycopy(vector, 1 + 2 * p, v, 0, p);
    return new TrainState(
        (int) vector[0], new LogisticModel(weight, (float) vector[p]), new Adam.State(m, v));
  }
}
