package io.baton.orchestrator.cluster.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps paths the local backend acts on inside the directory they belong to: a job's checkpoint
 * directory inside {@code <data-dir>/checkpoints/<job>}, a file it hashes inside the area it lies
 * in. Both the text ({@code ..}, an absolute path elsewhere) and the file system (a symlink whose
 * target lies outside) are checked.
 */
final class Containment {

  private Containment() {}

  /**
   * {@code requested} resolved against {@code root} (or taken as it is when absolute), normalized.
   * Only the text is checked here; see {@link #staysInside} for the file system.
   *
   * @throws IllegalArgumentException when it lies outside {@code root}
   */
  static Path resolve(Path root, String requested) {
    Path base = root.toAbsolutePath().normalize();
    Path path;
    try {
      Path asked = Path.of(requested);
      path = (asked.isAbsolute() ? asked : base.resolve(asked)).normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + requested + "' is not a path", e);
    }
    if (!path.startsWith(base)) {
      throw new IllegalArgumentException("'" + requested + "' is not inside " + base);
    }
    return path;
  }

  /**
   * Whether {@code path}, which lies inside {@code root} textually, stays inside it on the file
   * system: the real path of its deepest existing part is inside the real path of {@code root}
   * (what does not exist yet cannot be a link). A {@code root} that does not exist holds nothing
   * that could lead out.
   */
  static boolean staysInside(Path root, Path path) {
    try {
      if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
      Path realRoot = root.toRealPath();
      Optional<Path> existing = deepestExisting(path);
      return existing.isEmpty() || existing.get().toRealPath().startsWith(realRoot);
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Path> deepestExisting(Path path) {
    for (Path p = path; p != null; p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
