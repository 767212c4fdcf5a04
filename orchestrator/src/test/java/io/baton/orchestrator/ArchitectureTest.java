package io.baton.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Keeps the architecture visible: decisions stay pure, features keep to their packages, and the
 * features are Spring Modulith application modules with no cycles between them that use only each
 * other's API (the public types of a feature's own package; its sub-packages are internal). The
 * committed module diagram ({@code docs/architecture/}) must be the one these modules give.
 */
class ArchitectureTest {

  static final ApplicationModules MODULES = ApplicationModules.of(BatonApplication.class);

  /** Where the committed diagrams are, from the orchestrator module's directory. */
  private static final Path DIAGRAMS = Path.of("..", "docs", "architecture");

  private static final String REGENERATE =
      "regenerate with: mvn -B -pl orchestrator test -Dtest=ArchitectureTest"
          + " -Dbaton.architecture.write=true (then commit docs/architecture/)";

  @Test
  void featuresAreModulesWithoutCyclesThatUseOnlyEachOthersApi() {
    MODULES.verify();
  }

  @Test
  void theCommittedModuleDiagramIsTheOneTheModulesGive() throws IOException {
    Path generated = Files.createDirectories(Path.of("target", "modulith-docs"));
    new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(generated.toString()))
        .writeModulesAsPlantUml();
    Path diagram = generated.resolve(COMPONENTS);
    assertThat(diagram).as("generated diagram").exists();
    if (Boolean.getBoolean("baton.architecture.write")) {
      Files.createDirectories(DIAGRAMS);
      Files.copy(diagram, DIAGRAMS.resolve(COMPONENTS), StandardCopyOption.REPLACE_EXISTING);
    }
    Path committed = DIAGRAMS.resolve(COMPONENTS);
    assertThat(committed)
        .as("docs/architecture/%s is missing; %s", COMPONENTS, REGENERATE)
        .exists();
    assertThat(lines(committed))
        .as("docs/architecture/%s is stale; %s", COMPONENTS, REGENERATE)
        .isEqualTo(lines(diagram));
  }

  /** A diagram's lines, sorted: the Documenter's order of components and relations varies. */
  private static List<String> lines(Path diagram) throws IOException {
    return Files.readAllLines(diagram).stream().map(String::strip).sorted().toList();
  }

  private static final String COMPONENTS = "components.puml";

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
