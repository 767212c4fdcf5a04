package io.baton.orchestrator.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.cluster.kubernetes.ApiAudit;
import io.baton.orchestrator.support.IntegrationTest;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Leadership on the kubernetes backend: two replicas elect one through a {@code
 * coordination.k8s.io} Lease on the CRUD mock API server (Fabric8's LeaderElector), the elected one
 * seizes the database's fence with a new token, and when it stops the other takes over — the
 * Lease's holder, the fence's holder and token all move, and the first one's fence no longer holds.
 */
class KubernetesLeaseIT extends IntegrationTest {

  private static final KubernetesMockServer SERVER =
      new KubernetesMockServer(
          new Context(),
          new MockWebServer(),
          new HashMap<>(),
          new KubernetesCrudDispatcher(),
          false);
  private static KubernetesClient client;

  @Autowired LeaseRepository leases;

  @BeforeAll
  static void server() {
    SERVER.init();
    client = SERVER.createClient();
  }

  @AfterAll
  static void shutdown() {
    client.close();
    SERVER.destroy();
  }

  @Test
  void oneReplicaLeadsThroughTheLeaseAndTheOtherTakesOverWithANewFence() throws Exception {
    String name = "lease-" + UUID.randomUUID().toString().substring(0, 8);
    List<LeadershipChanged> changes = Collections.synchronizedList(new ArrayList<>());
    KubernetesLease a = replica(name, "a", changes);
    KubernetesLease b = replica(name, "b", changes);
    a.start();
    b.start();
    try {
      eventually(Duration.ofSeconds(20), () -> assertThat(a.isLeader() ^ b.isLeader()).isTrue());
      KubernetesLease leader = a.isLeader() ? a : b;
      KubernetesLease follower = leader == a ? b : a;
      Fence first = leader.fence().orElseThrow();

      Lease lease = client.leases().inNamespace("baton").withName(name).get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader.replica());
      assertThat(leases.view(name).orElseThrow().holder()).isEqualTo(leader.replica());
      assertThat(leases.holds(first)).isTrue();
      assertThat(leader.view().holder()).isEqualTo(leader.replica());

      leader.stop();
      eventually(Duration.ofSeconds(20), () -> assertThat(follower.isLeader()).isTrue());

      Fence second = follower.fence().orElseThrow();
      assertThat(second.token()).isGreaterThan(first.token());
      assertThat(leases.holds(first)).as("the old leader's fence").isFalse();
      assertThat(client.leases().inNamespace("baton").withName(name).get().getSpec())
          .extracting(s -> s.getHolderIdentity())
          .isEqualTo(follower.replica());
      assertThat(changes)
          .contains(
              new LeadershipChanged(leader.replica(), true, first.token()),
              new LeadershipChanged(follower.replica(), true, second.token()));
    } finally {
      a.stop();
      b.stop();
    }
    ApiAudit.assertGranted(SERVER);
  }

  private KubernetesLease replica(String lease, String name, List<LeadershipChanged> changes) {
    LeadershipProperties properties =
        new LeadershipProperties(
            lease, name, Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(500));
    return new KubernetesLease(
        ApiAudit.client(client),
        "baton",
        leases,
        properties,
        new LeaderGauge(new SimpleMeterRegistry(), name),
        event -> changes.add((LeadershipChanged) event));
  }

  private static void eventually(Duration timeout, Runnable assertion) {
    org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .untilAsserted(assertion::run);
  }
}
