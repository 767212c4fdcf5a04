package io.baton.cli.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Job specs of the demo trainer ({@code examples/}), short enough for a test. */
public final class Specs {

  private Specs() {}

  /** One rank on 8 chips: {@code steps} steps of {@code stepMillis}, a checkpoint every 50. */
  public static String demo(String name, int steps, int stepMillis) {
    return """
        {"name": "%s", "team": "research", "pool": "ascend-910b",
         "command": ["java", "-Xmx128m", "-jar", "$(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar",
                     "train", "--steps", "%d", "--checkpoint-every", "50", "--step-millis", "%d"],
         "nodes": 1, "chipsPerNode": 8, "maxRestarts": 2}
        """
        .formatted(name, steps, stepMillis);
  }

  /** The same as YAML. */
  public static String demoYaml(String name, int steps, int stepMillis) {
    return """
        # a YAML job spec
        name: %s
        team: research
        pool: ascend-910b
        command: [java, -Xmx128m, -jar, "$(BATON_LOCAL_ROOT)/examples/target/baton-examples.jar",
                  train, --steps, "%d", --checkpoint-every, "50", --step-millis, "%d"]
        nodes: 1
        chipsPerNode: 8
        """
        .formatted(name, steps, stepMillis);
  }

  public static Path write(Path dir, String file, String content) {
    try {
      return Files.writeString(dir.resolve(file), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
