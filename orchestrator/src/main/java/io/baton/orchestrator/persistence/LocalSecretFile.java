package io.baton.orchestrator.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * A secret generated once into a file of the data directory, readable by its owner only (mode 600),
 * for an orchestrator that runs alone; replicas that must share a secret get it from configuration
 * instead.
 */
public final class LocalSecretFile {

  private LocalSecretFile() {}

  /**
   * The file's content, trimmed; when there is no such file, a fresh {@code generate()} written to
   * it first. The file is created with its permissions, so the secret is never readable by others,
   * not even for a moment.
   *
   * @throws UncheckedIOException when the file can be neither read nor created
   */
  public static String readOrCreate(Path file, Supplier<String> generate) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      String secret = generate.get();
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(file);
      } catch (FileAlreadyExistsException raced) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create " + file, e);
    }
  }
}
