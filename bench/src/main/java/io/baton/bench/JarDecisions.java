package io.baton.bench;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The orchestrator's own pure soft-fault decisions ({@code faults.StragglerDetector}, {@code
 * faults.ReplaceDecision}), loaded from the jar under test ({@code BOOT-INF/classes} of {@code
 * orchestrator/target/baton-orchestrator.jar}) so that the bench judges with exactly the code that
 * runs, without the bench depending on the Spring Boot module. They import nothing but the JDK.
 */
final class JarDecisions implements AutoCloseable {

  private static final String FAULTS = "io.baton.orchestrator.faults.";

  private final URLClassLoader loader;
  private final Constructor<?> stepSample;
  private final Method detect;
  private final Constructor<?> straggler;
  private final Method decideNumbers;
  private final Method decideStraggler;

  private JarDecisions(URLClassLoader loader) throws ReflectiveOperationException {
    this.loader = loader;
    Class<?> sample = loader.loadClass(FAULTS + "StepSample");
    Class<?> detector = loader.loadClass(FAULTS + "StragglerDetector");
    Class<?> strag = loader.loadClass(FAULTS + "Straggler");
    Class<?> replace = loader.loadClass(FAULTS + "ReplaceDecision");
    stepSample = sample.getConstructor(int.class, long.class, Double.class, Double.class);
    detect = detector.getMethod("detect", java.util.Collection.class, double.class, int.class);
    straggler =
        strag.getConstructor(
            int.class,
            double.class,
            double.class,
            double.class,
            Double.class,
            long.class,
            long.class);
    decideNumbers =
        replace.getMethod(
            "decide", long.class, double.class, long.class, double.class, Duration.class);
    decideStraggler =
        replace.getMethod("decide", strag, long.class, Long.class, Long.class, Duration.class);
  }

  /** The decisions of the orchestrator jar at {@code jar}. */
  static JarDecisions of(Path jar) throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it (./bench/run builds the jars)");
    }
    URL classes = new URL("jar:" + jar.toUri() + "!/BOOT-INF/classes/");
    return new JarDecisions(new URLClassLoader(new URL[] {classes}, null));
  }

  /** {@code StragglerDetector.detect}: the flagged ranks, slowest first, with their factors. */
  List<FaultFigures.Flag> detect(List<FaultFigures.Sample> samples, double factor, int window)
      throws ReflectiveOperationException {
    List<Object> steps = new ArrayList<>(samples.size());
    for (FaultFigures.Sample s : samples) {
      steps.add(stepSample.newInstance(s.rank(), s.step(), s.stepMs(), s.computeMs()));
    }
    List<FaultFigures.Flag> flags = new ArrayList<>();
    for (Object found : (List<?>) detect.invoke(null, steps, factor, window)) {
      flags.add(
          new FaultFigures.Flag(
              (int) found.getClass().getMethod("rank").invoke(found),
              (double) found.getClass().getMethod("factor").invoke(found)));
    }
    return flags;
  }

  /** {@code ReplaceDecision} for one scripted case: whether it replaces, and its arithmetic. */
  FaultFigures.Verdict decide(FaultFigures.ReplaceCase c) throws ReflectiveOperationException {
    Object decision;
    if (c.straggler() == null) {
      decision =
          decideNumbers.invoke(
              null,
              c.stepsLeft(),
              c.lostMsPerStep(),
              c.stepsSinceCheckpoint(),
              c.normalStepMs(),
              c.relaunch());
    } else {
      FaultFigures.StragglerCase s = c.straggler();
      Object found =
          straggler.newInstance(
              1,
              s.computeMs() / s.gangComputeMs(),
              s.computeMs(),
              s.gangComputeMs(),
              s.stepMs(),
              Math.max(0, s.step() - 19),
              s.step());
      Optional<?> judged =
          (Optional<?>)
              decideStraggler.invoke(
                  null, found, s.step(), s.totalSteps(), s.checkpointStep(), c.relaunch());
      if (judged.isEmpty()) {
        return new FaultFigures.Verdict(null, "cannot be judged: no totalSteps");
      }
      decision = judged.get();
    }
    Class<?> type = decision.getClass();
    return new FaultFigures.Verdict(
        (Boolean) type.getMethod("replace").invoke(decision),
        (String) type.getMethod("arithmetic").invoke(decision));
  }

  @Override
  public void close() throws Exception {
    loader.close();
  }
}
