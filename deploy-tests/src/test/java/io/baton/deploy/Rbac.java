package io.baton.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** RBAC rules of a Role or ClusterRole, flattened to {@code group/resource -> verbs}. */
final class Rbac {

  private Rbac() {}

  static Map<String, Set<String>> verbs(Node role) {
    Map<String, Set<String>> verbs = new TreeMap<>();
    for (Object rule : role.at("rules").list()) {
      Node r = Node.of(rule);
      for (Object group : r.at("apiGroups").list()) {
        for (Object resource : r.at("resources").list()) {
          String key = group.toString().isEmpty() ? resource.toString() : group + "/" + resource;
          Set<String> set = verbs.computeIfAbsent(key, k -> new TreeSet<>());
          r.at("verbs").list().forEach(v -> set.add(v.toString()));
        }
      }
    }
    return verbs;
  }

  static Set<String> set(String... verbs) {
    return new TreeSet<>(List.of(verbs));
  }
}
