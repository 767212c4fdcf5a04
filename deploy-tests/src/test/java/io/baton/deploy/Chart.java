package io.baton.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart in {@code helm/baton}, linted and rendered by Helm in-process (no cluster needed). */
final class Chart {

  static final String RELEASE = "baton";
  static final String NAMESPACE = "ml-platform";
  static final String KUBE_VERSION = "v1.31.0";

  private static final Path DIR = Path.of("..", "helm", "baton").toAbsolutePath().normalize();

  private Chart() {}

  static Path dir() {
    if (!Files.isRegularFile(DIR.resolve("Chart.yaml"))) {
      throw new IllegalStateException("No chart at " + DIR);
    }
    return DIR;
  }

  static LintResult lint() {
    return new Helm(dir()).lint().strict().call();
  }

  /** Renders the chart with the defaults plus the given values files (later ones win). */
  static Manifests render(Path... valuesFiles) {
    return render(RELEASE, Map.of(), valuesFiles);
  }

  /** Renders release {@code release}; {@code sets} are {@code --set key=value} pairs. */
  static Manifests render(String release, Map<String, Object> sets, Path... valuesFiles) {
    var template =
        new Helm(dir())
            .template()
            .withName(release)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (Path file : valuesFiles) {
      template = template.withValuesFile(file);
    }
    for (var set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return Manifests.parse(template.call());
  }

  static Path values(String name) {
    return Path.of("src", "test", "resources", "values", name).toAbsolutePath();
  }

  /** Parses every YAML document of a Helm template output; empty documents are skipped. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }
}
