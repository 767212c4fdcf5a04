package io.baton.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A child JVM running the demo, its output captured in files (so it can never block on a pipe). */
record ChildProcess(Process process, Path stdout, Path stderr) implements AutoCloseable {

  /** The demo from the test class path. */
  static ChildProcess demo(Path dir, String name, Map<String, String> env, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(java(), "-cp", System.getProperty("java.class.path"), Demo.class.getName()));
    command.addAll(List.of(args));
    return start(dir, name, env, command);
  }

  /** The packaged jar, as an operator would run it. */
  static ChildProcess jar(
      Path jar, Path dir, String name, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    return start(dir, name, env, command);
  }

  private static ChildProcess start(
      Path dir, String name, Map<String, String> env, List<String> command) {
    Path stdout = dir.resolve(name + ".out");
    Path stderr = dir.resolve(name + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(
            key ->
                key.startsWith("BATON_")
                    || List.of("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "PORT")
                        .contains(key));
    builder.environment().putAll(env);
    try {
      Files.createDirectories(dir);
      return new ChildProcess(builder.start(), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int exitWithin(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "; stderr: " + err());
    }
    return process.exitValue();
  }

  String out() {
    return read(stdout);
  }

  String err() {
    return read(stderr);
  }

  static void await(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  static long lineCount(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readAllLines(file).size() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String read(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
