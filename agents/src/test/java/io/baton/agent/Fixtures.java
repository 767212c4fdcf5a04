package io.baton.agent;

import io.baton.schemas.BatonSchemas;
import io.baton.schemas.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Captured tool output under src/test/resources/fixtures, and the report schema. */
public final class Fixtures {

  public static final Path DIR = Path.of("src", "test", "resources", "fixtures");

  /**
   * Where the shared, read-only originals live beside the repository (absent in some checkouts).
   */
  public static final Path SHARED = Path.of("..", "..", "shared", "fixtures");

  private Fixtures() {}

  public static Path path(String relative) {
    return DIR.resolve(relative);
  }

  public static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Violation> reportViolations(JsonNode report) {
    return BatonSchemas.validate("agent-report", report);
  }
}
