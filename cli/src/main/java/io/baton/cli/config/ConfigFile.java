package io.baton.cli.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code config.yaml} in the XDG config directory: the contexts (one per Baton installation, each a
 * URL and a token) and the current one. Written atomically, mode 600 in a directory of mode 700: it
 * holds tokens.
 *
 * <pre>
 * current-context: prod
 * contexts:
 *   prod: {url: https://baton.example.com, token: bpat_…}
 * </pre>
 */
public final class ConfigFile {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path file;

  public ConfigFile(Path dir) {
    this.file = dir.resolve("config.yaml");
  }

  public Path path() {
    return file;
  }

  /** The saved configuration; empty when there is no file yet. */
  public Config read() {
    if (!Files.exists(file)) {
      return new Config(null, new LinkedHashMap<>());
    }
    try {
      JsonNode root = YAML.readTree(Files.readString(file));
      Map<String, Context> contexts = new LinkedHashMap<>();
      JsonNode list = root.path("contexts");
      for (Map.Entry<String, JsonNode> entry : list.properties()) {
        contexts.put(
            entry.getKey(),
            new Context(text(entry.getValue().path("url")), text(entry.getValue().path("token"))));
      }
      return new Config(text(root.path("current-context")), contexts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(file + " cannot be read as YAML: " + e.getMessage(), e);
    }
  }

  /** Writes {@code config}: a new file of mode 600 moved over the old one. */
  public void write(Config config) {
    ObjectNode root = YAML.createObjectNode();
    if (config.current() != null) {
      root.put("current-context", config.current());
    }
    ObjectNode contexts = root.putObject("contexts");
    config
        .contexts()
        .forEach(
            (name, context) -> {
              ObjectNode node = contexts.putObject(name);
              node.put("url", context.url());
              if (context.token() != null) {
                node.put("token", context.token());
              }
            });
    try {
      Path dir = file.getParent();
      if (POSIX) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
      Path temp =
          POSIX
              ? Files.createTempFile(
                  dir,
                  ".config",
                  ".yaml",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".config", ".yaml");
      Files.writeString(temp, YAML.writeValueAsString(root));
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      if (POSIX) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asString();
  }

  /** A Baton installation: its URL and the token to send it. */
  public record Context(String url, String token) {}

  /** The contexts by name, and the name of the current one (null: none yet). */
  public record Config(String current, Map<String, Context> contexts) {}
}
