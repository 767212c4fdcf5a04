package io.baton.deploy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * A position in a parsed manifest: {@code at("spec.template.spec")} walks maps, {@code item(name)}
 * picks the list entry with that {@code name} (containers, env, volumes).
 */
record Node(Object value, String path) {

  static Node of(Object value) {
    return new Node(value, "");
  }

  Node at(String dotted) {
    Node node = this;
    for (String key : dotted.split("\\.")) {
      node = node.child(key);
    }
    return node;
  }

  Node child(String key) {
    if (!(value instanceof Map<?, ?> map) || !map.containsKey(key)) {
      throw new NoSuchElementException("No '" + key + "' at '" + path + "' in " + value);
    }
    return new Node(map.get(key), path + "." + key);
  }

  boolean has(String key) {
    return value instanceof Map<?, ?> map && map.containsKey(key);
  }

  Node item(String name) {
    return where(m -> name.equals(m.get("name")), "name=" + name);
  }

  Node where(Predicate<Map<?, ?>> predicate, String description) {
    return list().stream()
        .filter(o -> o instanceof Map<?, ?> m && predicate.test(m))
        .findFirst()
        .map(o -> new Node(o, path + "[" + description + "]"))
        .orElseThrow(() -> new NoSuchElementException("No item " + description + " at " + path));
  }

  @SuppressWarnings("unchecked")
  List<Object> list() {
    if (!(value instanceof List<?>)) {
      throw new NoSuchElementException("Not a list at '" + path + "': " + value);
    }
    return (List<Object>) value;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> map() {
    if (!(value instanceof Map<?, ?>)) {
      throw new NoSuchElementException("Not a map at '" + path + "': " + value);
    }
    return (Map<String, Object>) value;
  }

  String text() {
    return value == null ? null : value.toString();
  }
}
