package io.baton.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the architecture visible: decisions stay pure, features keep to their packages. */
class ArchitectureTest {

  private static final Path SOURCES = Path.of("src", "main", "java");
  private static final Pattern IO_IMPORT =
      Pattern.compile(
          "^import\\s+(static\\s+)?(org\\.springframework|io\\.fabric8|java\\.sql|javax\\.sql|"
              + "org\\.quartz|tools\\.jackson|java\\.net\\.http|java\\.nio\\.file)\\.",
          Pattern.MULTILINE);

  @Test
  void decisionsImportNoFrameworkOrIo() throws IOException {
    List<Path> decisions = sources().filter(ArchitectureTest::isDecision).toList();

    assertThat(decisions).as("@Decision types").isNotEmpty();
    for (Path file : decisions) {
      assertThat(IO_IMPORT.matcher(Files.readString(file)).results().map(r -> r.group()).toList())
          .as("I/O or framework imports of decision %s", file)
          .isEmpty();
    }
  }

  @Test
  void everyTypeLivesInAFeaturePackage() throws IOException {
    List<String> features =
        List.of(
            "jobs",
            "pools",
            "ingest",
            "scheduling",
            "cluster",
            "checkpoints",
            "promotion",
            "endpoints",
            "events",
            "security",
            "auth",
            "web",
            "persistence",
            "problems",
            "idempotency",
            "webhooks",
            "retention",
            "goodput",
            "faults",
            "isolation",
            "leadership",
            "metrics",
            "dashboard");
    Path root = SOURCES.resolve("io/baton/orchestrator");
    try (Stream<Path> files = Files.walk(root)) {
      List<String> misplaced =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .map(root::relativize)
              .filter(f -> f.getNameCount() > 1)
              .map(f -> f.getName(0).toString())
              .filter(feature -> !features.contains(feature))
              .distinct()
              .toList();
      assertThat(misplaced).as("packages that are no feature").isEmpty();
    }
  }

  private static boolean isDecision(Path file) {
    try {
      return Pattern.compile("^@Decision", Pattern.MULTILINE)
          .matcher(Files.readString(file))
          .find();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Stream<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
    }
  }
}
