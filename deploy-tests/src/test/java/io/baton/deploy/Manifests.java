package io.baton.deploy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The Kubernetes objects of one rendering, as plain maps, with lookups by kind and name. */
record Manifests(List<Map<String, Object>> objects) {

  static Manifests parse(String yaml) {
    return new Manifests(Chart.documents(yaml));
  }

  List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  Map<String, Object> get(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(Node.of(o).at("metadata.name").text()))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(kind + " " + name + " is not rendered"));
  }

  Node node(String kind, String name) {
    return Node.of(get(kind, name));
  }
}
