package io.baton.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Test helpers: launch-contract environments, in-JVM runs of the demo, reading its files. */
final class Runs {

  private Runs() {}

  /** The result of one in-JVM run of {@link Demo#run}. */
  record Result(int exitCode, String out, String err) {}

  static Map<String, String> env(Path dir, String jobId, int rank, int worldSize, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("BATON_JOB_ID", jobId);
    env.put("BATON_RANK", Integer.toString(rank));
    env.put("BATON_WORLD_SIZE", Integer.toString(worldSize));
    env.put("BATON_MASTER_ADDR", "127.0.0.1");
    env.put("BATON_MASTER_PORT", Integer.toString(port));
    env.put("BATON_PROGRESS_FILE", progressFile(dir, rank).toString());
    env.put("BATON_CHECKPOINT_DIR", checkpoints(dir).toString());
    env.put("BATON_RESUME_FROM", "");
    return env;
  }

  static Map<String, String> soloEnv(Path dir) {
    return env(dir, "job-1", 0, 1, 0);
  }

  static Path progressFile(Path dir, int rank) {
    return dir.resolve("progress").resolve("rank-" + rank + ".jsonl");
  }

  static Path checkpoints(Path dir) {
    return dir.resolve("checkpoints");
  }

  static Result demo(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Demo.run(
            env,
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static List<JsonNode> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().map(Json.MAPPER::readTree).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> lines(Path file, String type) {
    return lines(file).stream().filter(l -> l.get("type").asString().equals(type)).toList();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(Path file) {
    try {
      return Checkpoints.sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
