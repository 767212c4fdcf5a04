package io.baton.orchestrator.cluster.kubernetes;

import static io.baton.orchestrator.cluster.kubernetes.Fixtures.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.cluster.ClusterBackend;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes part of the chaos campaign ({@code ./bench/run chaos} drives the local backend in
 * real processes; an orchestrator child process cannot reach an in-test mock API server, so this
 * part runs in process): the {@link KubernetesBackend} launches, relaunches, repeats launches of
 * and stops training attempts the way the job runner does (a failed call is tried again on the next
 * pass) against the CRUD mock API server while a seeded dispatcher answers a share of the calls
 * with 409 conflicts, 500/503 errors, answers lost after the change was applied, timeouts (the
 * change applied, the answer later than the client waits) and broken watches (500 and 410 Gone).
 * Then, from the API server's own store: no attempt's Job was created twice, every live attempt has
 * its Job, no stopped attempt's Job is left, and every Service and Secret is owned by its attempt's
 * Job (so the garbage collector removes it with the Job).
 */
class KubernetesChaosTest {

  static final long SEED = 13;
  private static final Pattern JOBS = Pattern.compile("/apis/batch/v1/namespaces/[^/]+/jobs/?$");

  ChaosDispatcher dispatcher;
  KubernetesMockServer server;
  KubernetesClient client;
  KubernetesBackend backend;
  final Random script = new Random(SEED);

  @BeforeEach
  void start() {
    dispatcher = new ChaosDispatcher(new Random(SEED * 31));
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    KubernetesClient plain = server.createClient();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(plain.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .withRequestTimeout(3_000)
                    .build())
            .build();
    plain.close();
    Kubelet kubelet = new Kubelet(client, NAMESPACE);
    kubelet.node("node-a", Map.of("baton.io/pool", "ascend"));
    kubelet.node("node-b", Map.of("baton.io/pool", "ascend"));
    backend = new KubernetesBackend(client, Fixtures.properties(), Fixtures.pools());
    backend.start();
  }

  @AfterEach
  void stop() {
    backend.stop();
    client.close();
    server.destroy();
  }

  @Test
  void conflictsErrorsTimeoutsAndBrokenWatchesNeitherLaunchTwiceNorLeaveOrphans() {
    Map<UUID, Integer> live = new LinkedHashMap<>();
    List<String> stopped = new ArrayList<>();
    dispatcher.chaos = true;
    for (int i = 0; i < 12; i++) {
      UUID id = UUID.randomUUID();
      untilDone(() -> backend.launch(launch(id, 1)));
      int attempt = 1;
      if (script.nextBoolean()) {
        // The runner again after a restart: the same attempt launched once more.
        untilDone(() -> backend.launch(launch(id, 1)));
      }
      if (script.nextInt(3) == 0) {
        // A recovery: attempt 1 stopped, attempt 2 launched.
        untilDone(() -> backend.stop(id, 1));
        stopped.add(Names.attempt(id, 1));
        attempt = 2;
        int next = attempt;
        untilDone(() -> backend.launch(launch(id, next)));
      }
      tryOnce(() -> backend.observe(id, 1));
      if (script.nextInt(4) == 0) {
        int last = attempt;
        untilDone(() -> backend.stop(id, last));
        stopped.add(Names.attempt(id, last));
      } else {
        live.put(id, attempt);
      }
    }
    dispatcher.chaos = false;

    assertThat(dispatcher.injected)
        .as("every kind of failure was injected: " + dispatcher.injected)
        .containsKeys("409", "500", "503", "applied-then-500", "timeout", "watch-broken");
    assertThat(dispatcher.jobCreates)
        .as("no attempt's Job created twice")
        .allSatisfy((name, creates) -> assertThat(creates.get()).as(name).isEqualTo(1));
    List<Job> jobs = client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems();
    List<String> expected = new ArrayList<>();
    live.forEach((id, attempt) -> expected.add(Names.attempt(id, attempt)));
    assertThat(jobs)
        .extracting(j -> j.getMetadata().getName())
        .as("the live attempts' Jobs and no other (stopped: " + stopped + ")")
        .containsExactlyInAnyOrderElementsOf(expected);
    List<HasMetadata> owned = new ArrayList<>();
    owned.addAll(client.services().inNamespace(NAMESPACE).withLabel(Names.JOB).list().getItems());
    owned.addAll(client.secrets().inNamespace(NAMESPACE).withLabel(Names.JOB).list().getItems());
    assertThat(owned)
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getOwnerReferences())
                    .as(o.getKind() + " " + o.getMetadata().getName())
                    .singleElement()
                    .satisfies(r -> assertThat(r.getKind()).isEqualTo("Job")));
  }

  /** The runner's way: a pass that fails is tried again on the next one. */
  private void untilDone(Runnable call) {
    RuntimeException last = null;
    for (int pass = 0; pass < 60; pass++) {
      try {
        call.run();
        return;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new AssertionError("still failing after 60 passes", last);
  }

  private static void tryOnce(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException unavailable) {
      // observe may fail while the API server does; the next pass reads again
    }
  }

  private static ClusterBackend.Launch launch(UUID id, int attempt) {
    return new ClusterBackend.Launch(
        id,
        attempt,
        List.of("python", "train.py"),
        Map.of(),
        List.of(
            new ClusterBackend.RankPlacement(0, "node-a", IntStream.range(0, 8).boxed().toList()),
            new ClusterBackend.RankPlacement(1, "node-b", IntStream.range(0, 8).boxed().toList())),
        "/checkpoints/checkpoints/" + id,
        null,
        "ascend",
        "registry.example/trainer:1");
  }

  /**
   * The CRUD API server, with a seeded share of its answers replaced by failures while {@code
   * chaos} is on; counts the Jobs it really created, by name.
   */
  static final class ChaosDispatcher extends KubernetesCrudDispatcher {
    private final Random random;
    volatile boolean chaos;
    final Map<String, AtomicInteger> injected = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> jobCreates = new ConcurrentHashMap<>();

    ChaosDispatcher(Random random) {
      this.random = random;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String method = request.getMethod();
      String path = request.getPath();
      boolean watch = path.contains("watch=true");
      int roll;
      synchronized (random) {
        roll = random.nextInt(100);
      }
      if (chaos && watch && roll < 50) {
        return fail(roll < 25 ? 500 : 410, "watch-broken");
      }
      if (!chaos || watch || roll >= 30) {
        return counted(request, super.dispatch(request));
      }
      boolean mutation = !method.equals("GET");
      if (method.equals("PATCH") || method.equals("PUT")) {
        return fail(409, "409");
      }
      if (mutation && roll < 8) {
        // Applied, but the answer is lost: the caller cannot tell it from a failure.
        counted(request, super.dispatch(request));
        return fail(500, "applied-then-500");
      }
      if (mutation && roll < 14) {
        // Applied, and answered after the client stopped waiting.
        MockResponse late = counted(request, super.dispatch(request));
        note("timeout");
        return late.setBodyDelay(4_000, TimeUnit.MILLISECONDS);
      }
      if (method.equals("POST") && roll < 18) {
        return fail(409, "409");
      }
      return fail(roll < 24 ? 500 : 503, roll < 24 ? "500" : "503");
    }

    private MockResponse counted(RecordedRequest request, MockResponse response) {
      if (request.getMethod().equals("POST")
          && response.code() == 201
          && JOBS.matcher(request.getPath().replaceAll("\\?.*", "")).find()) {
        Matcher name =
            Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"").matcher(request.getUtf8Body());
        if (name.find()) {
          jobCreates.computeIfAbsent(name.group(1), k -> new AtomicInteger()).incrementAndGet();
        }
      }
      return response;
    }

    private MockResponse fail(int code, String kind) {
      note(kind);
      return new MockResponse()
          .setResponseCode(code)
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                  + code
                  + ",\"reason\":\"chaos\"}");
    }

    private void note(String kind) {
      injected.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }
  }
}
