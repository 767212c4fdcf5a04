package io.baton.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the parts of an agent pod the tests look at. */
final class Agents {

  private Agents() {}

  static List<String> command(Node container) {
    return container.at("command").list().stream().map(Object::toString).toList();
  }

  /** Host path to mount path, for every hostPath volume the agent container mounts. */
  static Map<String, String> hostMounts(Node podSpec) {
    Node container = podSpec.at("containers").item("agent");
    Map<String, String> mounts = new LinkedHashMap<>();
    for (Object volume : podSpec.at("volumes").list()) {
      Node v = Node.of(volume);
      if (v.has("hostPath")) {
        String mountPath =
            container.at("volumeMounts").item(v.at("name").text()).at("mountPath").text();
        mounts.put(v.at("hostPath.path").text(), mountPath);
      }
    }
    return mounts;
  }

  static List<String> readOnlyMounts(Node container) {
    return container.at("volumeMounts").list().stream()
        .map(Node::of)
        .filter(m -> m.has("readOnly") && Boolean.TRUE.equals(m.at("readOnly").value()))
        .map(m -> m.at("mountPath").text())
        .toList();
  }
}
