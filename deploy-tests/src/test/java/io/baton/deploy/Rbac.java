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

  /** Resources that are not namespaced: granted by the ClusterRole. */
  private static final Set<String> CLUSTER_SCOPED =
      Set.of("core/nodes", "authentication.k8s.io/tokenreviews");

  /** The rules as {@code group/resource[/sub]:verb}, the core group as {@code core}. */
  static Set<String> calls(Node role) {
    Set<String> calls = new TreeSet<>();
    for (Object rule : role.at("rules").list()) {
      Node r = Node.of(rule);
      for (Object group : r.at("apiGroups").list()) {
        for (Object resource : r.at("resources").list()) {
          String prefix = group.toString().isEmpty() ? "core" : group.toString();
          r.at("verbs").list().forEach(v -> calls.add(prefix + "/" + resource + ":" + v));
        }
      }
    }
    return calls;
  }

  /** The calls the backend makes ({@code backend-api-calls.txt}), cluster-scoped or namespaced. */
  static Set<String> backendCalls(boolean clusterScoped) {
    Set<String> calls = new TreeSet<>();
    try (var in = Rbac.class.getResourceAsStream("/backend-api-calls.txt")) {
      for (String line :
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String call = line.strip();
        if (call.isEmpty() || call.startsWith("#")) {
          continue;
        }
        String resource = call.substring(0, call.indexOf(':'));
        if (CLUSTER_SCOPED.contains(resource) == clusterScoped) {
          calls.add(call);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return calls;
  }
}
