package io.baton.agent.collect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a vendor tool and returns its standard output, or says in one line why it could not. */
public final class CommandRunner {

  private static final ExecutorService READERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "tool-output-reader");
            t.setDaemon(true);
            return t;
          });

  private final Duration timeout;

  public CommandRunner(Duration timeout) {
    this.timeout = timeout;
  }

  public String run(List<String> command) throws CommandException {
    String name = command.get(0);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new CommandException(name + ": cannot run (" + e.getMessage() + ")", e);
    }
    closeQuietly(process);
    // Both pipes are drained concurrently so a chatty tool cannot block on a full pipe.
    CompletableFuture<String> stdout = readAsync(process.getInputStream());
    CompletableFuture<String> stderr = readAsync(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new CommandException(
            String.join(" ", command) + ": timed out after " + timeout.toMillis() + " ms", null);
      }
      String out = stdout.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (process.exitValue() != 0) {
        String why = firstLine(errorOutput(stderr), out);
        throw new CommandException(
            String.join(" ", command)
                + ": exit "
                + process.exitValue()
                + (why.isEmpty() ? "" : ": " + why),
            null);
      }
      return out;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandException(name + ": interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new CommandException(name + ": cannot read its output (" + e.getMessage() + ")", e);
    }
  }

  private static CompletableFuture<String> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        READERS);
  }

  private static String errorOutput(CompletableFuture<String> stderr) throws InterruptedException {
    try {
      return stderr.get(1, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return "";
    }
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // The tool reads no input; a failed close changes nothing.
    }
  }

  private static String firstLine(String stderr, String stdout) {
    String text = stderr.isBlank() ? stdout : stderr;
    return text.strip().lines().findFirst().orElse("");
  }
}
