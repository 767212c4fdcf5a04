package io.baton.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts the orchestrator jar from an application class-data-sharing archive: the jar extracted
 * with Spring Boot's {@code -Djarmode=tools extract}, and a dynamic CDS archive written by one
 * training run that stops after the context refreshed ({@code -Dspring.context.exit=onRefresh}). On
 * the development machine (2 cores) this takes a start from about 12.4 s to 6.8 s, which is the
 * local backend's failover time in the chaos campaign (a {@code kill -9} is followed by a restart).
 * The archive is made once per jar and JVM option set and kept beside the jar; when it cannot be
 * made, launches fall back to the plain jar.
 */
final class ClassDataSharing {

  private ClassDataSharing() {}

  /**
   * The JVM arguments that start the orchestrator: {@code jvmArgs}, then either the archive and the
   * extracted jar or, when no archive could be made, {@code -jar} on the plain jar.
   */
  static List<String> launch(Path root, List<String> jvmArgs) {
    Path jar = root.resolve("orchestrator/target/baton-orchestrator.jar");
    List<String> command = new ArrayList<>(jvmArgs);
    try {
      Path archive = archive(root, jar, jvmArgs);
      command.add("-XX:SharedArchiveFile=" + archive);
      command.add("-Xshare:auto");
      command.add("-jar");
      command.add(extracted(jar).resolve(jar.getFileName()).toString());
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      System.err.println("no class-data-sharing archive (" + e.getMessage() + "); plain jar");
      command.add("-jar");
      command.add(jar.toString());
    }
    return command;
  }

  private static Path extracted(Path jar) {
    return jar.resolveSibling("cds");
  }

  private static Path archive(Path root, Path jar, List<String> jvmArgs)
      throws IOException, InterruptedException {
    Path dir = extracted(jar);
    Path archive =
        jar.resolveSibling(
            "cds-" + Integer.toHexString(String.join(" ", jvmArgs).hashCode()) + ".jsa");
    FileTime built = Files.getLastModifiedTime(jar);
    Path lock = jar.resolveSibling("cds.lock");
    try (FileChannel channel =
            FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      Path extractedJar = dir.resolve(jar.getFileName());
      if (!Files.exists(extractedJar)
          || Files.getLastModifiedTime(extractedJar).compareTo(built) < 0) {
        delete(dir);
        run(
            root,
            List.of(
                java(),
                "-Djarmode=tools",
                "-jar",
                jar.toString(),
                "extract",
                "--destination",
                dir.toString()),
            Files.createTempFile("baton-cds-extract", ".log"));
        Files.setLastModifiedTime(extractedJar, built);
        Files.deleteIfExists(archive);
      }
      if (!Files.exists(archive) || Files.getLastModifiedTime(archive).compareTo(built) < 0) {
        Path data = Files.createTempDirectory("baton-cds-training-");
        List<String> training = new ArrayList<>();
        training.add(java());
        training.addAll(jvmArgs);
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        training.add("-Dspring.context.exit=onRefresh");
        training.addAll(
            List.of(
                "-jar",
                extractedJar.toString(),
                "--server.port=" + Orchestrator.freePort(),
                "--server.address=127.0.0.1",
                "--baton.data-dir=" + data,
                "--logging.level.root=WARN",
                "--spring.main.banner-mode=off"));
        try {
          run(root, training, data.resolveSibling(data.getFileName() + ".log"));
        } finally {
          // The run ends at the refresh without closing the context: its embedded PostgreSQL is
          // left behind, and goes with the data directory.
          List<ProcessHandle> left =
              ProcessHandle.allProcesses()
                  .filter(
                      p ->
                          p.info()
                              .commandLine()
                              .map(c -> c.contains(data.toString()))
                              .orElse(false))
                  .toList();
          left.forEach(ProcessHandle::destroy);
          for (ProcessHandle p : left) {
            try {
              p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
              p.destroyForcibly();
            }
          }
          try {
            delete(data);
          } catch (IOException e) {
            System.err.println("cannot delete " + data + ": " + e.getMessage());
          }
        }
        if (!Files.exists(archive)) {
          throw new IOException("the training run wrote no archive");
        }
      }
    }
    return archive;
  }

  private static void run(Path root, List<String> command, Path log)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command) + " (log " + log + ")");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "exit " + process.exitValue() + ": " + String.join(" ", command) + " (log " + log + ")");
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
