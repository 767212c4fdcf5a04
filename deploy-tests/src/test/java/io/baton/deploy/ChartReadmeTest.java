package io.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart's README documents every value the schema knows. */
class ChartReadmeTest {

  @Test
  void everyValueIsDocumented() throws IOException {
    String readme = Files.readString(Chart.dir().resolve("README.md"));
    Map<String, Object> schema =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(Chart.dir().resolve("values.schema.json")));

    List<String> values = new ArrayList<>();
    collect(schema, Node.of(schema), "", values);

    assertThat(values).hasSizeGreaterThan(60);
    assertThat(values).filteredOn(v -> !readme.contains("`" + v + "`")).isEmpty();
  }

  /**
   * Paths of the schema's leaf properties; {@code pools[].x} for the fields of a pool. Lists of
   * other objects are leaves, documented with their item shape.
   */
  private static void collect(Map<String, Object> root, Node node, String path, List<String> out) {
    if (node.has("items") && isPool(node.at("items"))) {
      out.add(path);
      collect(root, Node.of(root).at("definitions").child("pool"), path + "[]", out);
    } else if (node.has("properties")) {
      for (var property : node.at("properties").map().entrySet()) {
        String child = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
        collect(root, Node.of(property.getValue()), child, out);
      }
    } else {
      out.add(path);
    }
  }

  private static boolean isPool(Node items) {
    return items.has("$ref") && items.at("$ref").text().equals("#/definitions/pool");
  }
}
