package io.baton.orchestrator.cluster.local;

import io.baton.orchestrator.BatonApplication;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the local backend's installation is: the directory ranks and replicas see as {@code
 * BATON_LOCAL_ROOT}, under which the demo finds {@code examples/target/baton-examples.jar}. So that
 * the demo runs wherever the orchestrator is started from, it is, in this order:
 *
 * <ol>
 *   <li>{@code baton.local.home}, when set;
 *   <li>the nearest directory above the orchestrator's jar (or classes) that holds the examples jar
 *       — a checkout or an unpacked distribution, whatever the working directory;
 *   <li>the working directory (as before; a command that names no file under it needs no home).
 * </ol>
 */
final class LocalHome {

  private static final Logger log = LoggerFactory.getLogger(LocalHome.class);

  /** The demo's jar, relative to the home. */
  public static final Path EXAMPLES_JAR = Path.of("examples", "target", "baton-examples.jar");

  /** How far above the jar's directory to look (orchestrator/target/cds/… is three below). */
  private static final int LEVELS = 5;

  private LocalHome() {}

  /** The home of this process: {@code configured} (may be blank) or found as described above. */
  static Path of(String configured) {
    Path home =
        resolve(
            configured == null || configured.isBlank()
                ? Optional.empty()
                : Optional.of(Path.of(configured)),
            codeLocation(),
            Path.of("").toAbsolutePath(),
            dir -> Files.isRegularFile(dir.resolve(EXAMPLES_JAR)));
    if (!Files.isRegularFile(home.resolve(EXAMPLES_JAR))) {
      log.info(
          "No {} under the local home {}: commands naming $(BATON_LOCAL_ROOT)/{} will not start"
              + " (set baton.local.home)",
          EXAMPLES_JAR,
          home,
          EXAMPLES_JAR);
    }
    return home;
  }

  /** The rule, without the file system's state: {@code hasExamples} says what a directory holds. */
  static Path resolve(
      Optional<Path> configured,
      Optional<Path> codeLocation,
      Path workingDir,
      Predicate<Path> hasExamples) {
    if (configured.isPresent()) {
      return configured.get().toAbsolutePath().normalize();
    }
    if (codeLocation.isPresent()) {
      Path dir = codeLocation.get().toAbsolutePath().normalize().getParent();
      for (int i = 0; i < LEVELS && dir != null; i++, dir = dir.getParent()) {
        if (hasExamples.test(dir)) {
          return dir;
        }
      }
    }
    return workingDir.toAbsolutePath().normalize();
  }

  /**
   * The orchestrator's jar (or classes directory): Spring Boot's nested URLs ({@code
   * jar:nested:/x/baton-orchestrator.jar/!BOOT-INF/classes/!/}) name the outer jar first.
   */
  static Optional<Path> codeLocation() {
    try {
      var source = BatonApplication.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return Optional.empty();
      }
      return fromUrl(source.getLocation().toString());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Path> fromUrl(String url) {
    String s = url;
    for (String prefix : new String[] {"jar:", "nested:"}) {
      if (s.startsWith(prefix)) {
        s = s.substring(prefix.length());
      }
    }
    int bang = s.indexOf('!');
    if (bang >= 0) {
      s = s.substring(0, bang);
    }
    if (s.endsWith("/") && s.contains(".jar/")) {
      s = s.substring(0, s.length() - 1);
    }
    try {
      return Optional.of(s.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
