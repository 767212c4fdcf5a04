package io.baton.orchestrator.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Which Kubernetes API calls the backend makes, as RBAC sees them ({@code
 * group/resource[/sub]:verb}, core as {@code core}), checked against the list the Helm chart's Role
 * and ClusterRole must grant ({@code deploy-tests/src/test/resources/backend-api-calls.txt}; the
 * chart's tests check the other half). The backend gets a client of its own with a user agent the
 * test's client does not have, so the test's own calls (a fake kubelet, assertions) don't count.
 */
public final class ApiAudit {

  static final Path ALLOWED =
      Path.of("..", "deploy-tests", "src", "test", "resources", "backend-api-calls.txt");
  private static final String AGENT = "baton-backend-under-audit";

  private ApiAudit() {}

  /** A client for the backend under test, on the same mock server, marked as the backend's. */
  public static KubernetesClient client(KubernetesClient test) {
    Config config = new ConfigBuilder(test.getConfiguration()).withUserAgent(AGENT).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Fails naming every call of the backend the chart does not grant. */
  public static void assertGranted(KubernetesMockServer server) throws InterruptedException {
    assertThat(calls(server))
        .as("backend API calls (grant them in the chart and list them in %s)", ALLOWED)
        .isSubsetOf(allowed());
  }

  static Set<String> allowed() {
    try {
      Set<String> lines = new TreeSet<>();
      for (String line : Files.readAllLines(ALLOWED)) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          lines.add(trimmed);
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Set<String> calls(KubernetesMockServer server) throws InterruptedException {
    return callsOf(take(server));
  }

  /** The backend's requests recorded so far, in the order they came (taken off the server). */
  static List<RecordedRequest> take(KubernetesMockServer server) throws InterruptedException {
    List<RecordedRequest> requests = new java.util.ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      String agent = request.getHeader("User-Agent");
      if (agent != null && agent.contains(AGENT)) {
        requests.add(request);
      }
    }
    return requests;
  }

  static Set<String> callsOf(List<RecordedRequest> requests) {
    Set<String> calls = new TreeSet<>();
    requests.forEach(r -> calls.add(call(r.getMethod(), r.getPath())));
    return calls;
  }

  /** {@code GET /apis/batch/v1/namespaces/ns/jobs?watch=true} → {@code batch/jobs:watch}. */
  static String call(String method, String target) {
    String path = target;
    String query = "";
    int q = target.indexOf('?');
    if (q >= 0) {
      path = target.substring(0, q);
      query = target.substring(q + 1);
    }
    List<String> parts = List.of(path.replaceAll("^/+", "").split("/"));
    String group;
    int i;
    if (parts.get(0).equals("api")) {
      group = "core";
      i = 2;
    } else {
      group = parts.get(1);
      i = 3;
    }
    if (parts.size() > i + 2 && parts.get(i).equals("namespaces")) {
      i += 2;
    }
    String resource = parts.get(i);
    boolean named = parts.size() > i + 1;
    String sub = parts.size() > i + 2 ? "/" + parts.get(i + 2) : "";
    String verb =
        switch (method) {
          case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return group + "/" + resource + sub + ":" + verb;
  }
}
