package io.baton.examples;

import java.io.PrintStream;

/**
 * One rank of {@code train}: data-parallel logistic regression with Adam. Each step every rank
 * computes the gradient of its slice of the global batch, the ranks sum their vectors through the
 * {@link Collective}, and every rank applies the same mean gradient, so all ranks always hold
 * identical parameters. Rank 0 loads the resume checkpoint, broadcasts the starting state, and is
 * the only rank that writes checkpoints; every rank writes its own progress file, with each step's
 * wall time ({@code stepMs}) and the part of it before the gradient exchange ({@code computeMs}).
 * On Baton's local backend the rank also honours the soft faults simulated on its chips ({@link
 * SimulatedFaults}): SLOW stretches its compute, HANG stops its steps without ending it.
 */
final class Trainer {

  private static final long HANG_POLL_NANOS = 100_000_000;

  private final TrainConfig config;
  private final PrintStream out;
  private final PrintStream err;

  Trainer(TrainConfig config, PrintStream out, PrintStream err) {
    this.config = config;
    this.out = out;
    this.err = err;
  }

  /** Trains up to the last step and returns the final state. */
  TrainState run() {
    Dataset data = Dataset.generate(config.seed(), config.features());
    TrainState start =
        config.isRankZero() ? startingState() : TrainState.initial(config.features());
    try (Collective collective = Collective.open(config);
        ProgressLog log = ProgressLog.open(config.progressFile())) {
      TrainState state =
          TrainState.fromVector(collective.broadcast(start.toVector()), config.features());
      out.printf(
          "rank %d/%d: training steps %d..%d%n",
          config.rank(), config.worldSize(), state.step() + 1, config.steps());
      long last = System.nanoTime();
      SimulatedFaults faults = config.faults();
      for (int step = state.step() + 1; step <= config.steps(); step++) {
        double slowFactor = unlessHung(faults, step).slowFactor();
        long begun = System.nanoTime();
        double[] local = localGradient(state.model(), data, step);
        compute(begun, slowFactor);
        long computed = System.nanoTime();
        double[] sum = collective.allReduceSum(step, local);
        int n = config.features();
        double count = sum[n + 2];
        double[] grad = new double[n + 1];
        for (int i = 0; i <= n; i++) {
          grad[i] = sum[i] / count;
        }
        double lr = Adam.learningRate(config.lr(), step, config.steps());
        state = Adam.step(state, grad, step, lr);
        long now = System.nanoTime();
        double samplesPerSec = config.batch() * 1e9 / Math.max(1, now - last);
        last = now;
        log.progress(
            step,
            config.steps(),
            sum[n + 1] / count,
            samplesPerSec,
            lr,
            new ProgressLog.StepTimes(millis(now - begun), millis(computed - begun)));
        if (config.isRankZero()
            && (step % config.checkpointEvery() == 0 || step == config.steps())) {
          checkpoint(state, data, log);
        }
      }
      byte[] parameters =
          Safetensors.encode(Checkpoints.contents(state.model(), state.step(), config));
      out.printf(
          "rank %d/%d: done at step %d, parameters sha256 %s%n",
          config.rank(), config.worldSize(), state.step(), Checkpoints.sha256(parameters));
      return state;
    }
  }

  private double[] localGradient(LogisticModel model, Dataset data, int step) {
    int[] batch = Dataset.batch(config.seed(), step, config.batch());
    int from = config.rank() * config.batch() / config.worldSize();
    int to = (config.rank() + 1) * config.batch() / config.worldSize();
    double[] acc = new double[model.accumulatorSize()];
    model.accumulate(data.trainX(), data.trainY(), batch, from, to, acc);
    return acc;
  }

  private TrainState startingState() {
    Checkpoints.removeLeftovers(config.checkpointDir());
    if (config.resumeFrom() == null) {
      return TrainState.initial(config.features());
    }
    Checkpoints.Resumed resumed = Checkpoints.loadForResume(config.resumeFrom(), config.features());
    Checkpoints.StateFile saved = resumed.stateFile();
    if (saved.seed() != config.seed()
        || saved.batch() != config.batch()
        || saved.lr() != config.lr()
        || saved.totalSteps() != config.steps()) {
      err.printf(
          "baton-demo: warning: %s was trained with seed %d, batch %d, lr %s, %d steps; this run"
              + " differs, so it will not match an uninterrupted run%n",
          config.resumeFrom(), saved.seed(), saved.batch(), saved.lr(), saved.totalSteps());
    }
    out.printf("rank 0: resuming from %s at step %d%n", config.resumeFrom(), saved.step());
    return resumed.state();
  }

  private void checkpoint(TrainState state, Dataset data, ProgressLog log) {
    LogisticModel.Evaluation eval = state.model().evaluate(data.evalX(), data.evalY());
    Checkpoints.Saved saved =
        Checkpoints.save(config.checkpointDir(), state, config, data.goldenInputs());
    log.checkpoint(saved, eval);
    out.printf(
        "rank 0: checkpoint %s eval_accuracy=%.4f eval_loss=%.4f%n",
        saved.path(), eval.accuracy(), eval.loss());
  }

  /**
   * The rest of the step's compute: {@code --step-millis} of simulated work, and when the rank's
   * chips are SLOW the whole compute stretched by their factor.
   */
  private void compute(long start, double slowFactor) {
    sleepNanos(config.stepMillis() * 1_000_000);
    if (slowFactor > 1) {
      sleepNanos((long) ((slowFactor - 1) * (System.nanoTime() - start)));
    }
  }

  /** Waits, making no step, while one of the rank's chips is HANG; returns the condition after. */
  private SimulatedFaults.Condition unlessHung(SimulatedFaults faults, int step) {
    SimulatedFaults.Condition condition = faults.current();
    if (!condition.hung()) {
      return condition;
    }
    out.printf(
        "rank %d: chip %s hangs (simulated): no step %d until the fault is cleared%n",
        config.rank(), condition.hungChips(), step);
    while (condition.hung()) {
      sleepNanos(HANG_POLL_NANOS);
      condition = faults.current();
    }
    out.printf("rank %d: the hang is cleared; step %d goes on%n", config.rank(), step);
    return condition;
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1e5) / 10.0;
  }

  private static void sleepNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("training interrupted", e);
    }
  }
}
