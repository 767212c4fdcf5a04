package io.baton.cli.support;

import io.baton.cli.BatonCli;
import io.baton.cli.Io;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Runs {@code baton}: in-process (picocli on captured streams, output piped: not a terminal) or as
 * a process ({@code java -jar cli/target/baton.jar}), with an environment of its own: {@code
 * XDG_CONFIG_HOME} a directory of the test, and {@code BATON_URL} / {@code BATON_TOKEN} when given.
 */
public final class Baton {

  private final Map<String, String> env = new HashMap<>();

  public Baton(Path configHome) {
    env.put("XDG_CONFIG_HOME", configHome.toString());
    env.put("HOME", configHome.toString());
  }

  /** The same, with {@code BATON_URL} and {@code BATON_TOKEN} set. */
  public static Baton as(Path configHome, String url, String token) {
    Baton baton = new Baton(configHome);
    baton.env.put("BATON_URL", url);
    baton.env.put("BATON_TOKEN", token);
    return baton;
  }

  public Map<String, String> env() {
    return env;
  }

  /** What a run left: its exit code and its two streams. */
  public record Result(int code, String out, String err) {
    public JsonNode json() {
      return Orchestrator.JSON.readTree(out);
    }

    public String all() {
      return out + err;
    }
  }

  /** In-process, stdin empty. */
  public Result run(String... args) {
    return runWithInput("", args);
  }

  /** In-process, {@code stdin} on standard input. */
  public Result runWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io =
        new Io(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.copyOf(env),
            false);
    int code = BatonCli.execute(io, args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** As a process: the shaded jar, as the {@code baton} script runs it. */
  public Result runJar(String... args) {
    Path jar = Path.of("target", "baton.jar").toAbsolutePath();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(Path.of("target"), "baton-out", ".txt");
      Path err = Files.createTempFile(Path.of("target"), "baton-err", ".txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().remove("BATON_URL");
      builder.environment().remove("BATON_TOKEN");
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("baton " + String.join(" ", args) + " did not end");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
