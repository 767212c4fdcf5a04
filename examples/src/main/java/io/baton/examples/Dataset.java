package io.baton.examples;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Two seeded Gaussian blobs with per-feature offsets and scales and a little label noise: linearly
 * separable up to noise, so logistic regression can reach about 92% held-out accuracy. Everything
 * is a pure function of the seed; {@link #batch} is a pure function of (seed, step), so an exact
 * resume needs no random-generator state.
 */
record Dataset(float[][] trainX, float[] trainY, float[][] evalX, float[] evalY) {

  static final int TRAIN_SIZE = 4096;
  static final int EVAL_SIZE = 1024;
  static final int GOLDEN_SIZE = 16;
  private static final double SEPARATION = 1.6;
  private static final double LABEL_NOISE = 0.02;

  static Dataset generate(long seed, int features) {
    Random rng = new Random(seed);
    double[] direction = new double[features];
    double norm = 0;
    for (int i = 0; i < features; i++) {
      direction[i] = rng.nextGaussian();
      norm += direction[i] * direction[i];
    }
    double[] offset = new double[features];
    double[] scale = new double[features];
    for (int i = 0; i < features; i++) {
      direction[i] *= SEPARATION / StrictMath.sqrt(norm);
      offset[i] = rng.nextGaussian();
      scale[i] = 0.5 + 1.5 * rng.nextDouble();
    }
    float[][] trainX = new float[TRAIN_SIZE][];
    float[] trainY = new float[TRAIN_SIZE];
    float[][] evalX = new float[EVAL_SIZE][];
    float[] evalY = new float[EVAL_SIZE];
    for (int n = 0; n < TRAIN_SIZE + EVAL_SIZE; n++) {
      boolean positive = rng.nextBoolean();
      float[] x = new float[features];
      for (int i = 0; i < features; i++) {
        double centre = positive ? direction[i] : -direction[i];
        x[i] = (float) (scale[i] * (offset[i] + centre + rng.nextGaussian()));
      }
      float y = positive ^ (rng.nextDouble() < LABEL_NOISE) ? 1f : 0f;
      if (n < TRAIN_SIZE) {
        trainX[n] = x;
        trainY[n] = y;
      } else {
        evalX[n - TRAIN_SIZE] = x;
        evalY[n - TRAIN_SIZE] = y;
      }
    }
    return new Dataset(trainX, trainY, evalX, evalY);
  }

  int features() {
    return trainX[0].length;
  }

  /** The training-set indices of the global batch of {@code step} (sampled with replacement). */
  static int[] batch(long seed, int step, int size) {
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    int[] indices = new int[size];
    for (int i = 0; i < size; i++) {
      indices[i] = rng.nextInt(TRAIN_SIZE);
    }
    return indices;
  }

  /**
   * The first {@link #GOLDEN_SIZE} held-out inputs: fixed for a seed, shared by all checkpoints.
   */
  float[][] goldenInputs() {
    float[][] inputs = new float[GOLDEN_SIZE][];
    for (int i = 0; i < GOLDEN_SIZE; i++) {
      inputs[i] = evalX[i].clone();
    }
    return inputs;
  }
}
