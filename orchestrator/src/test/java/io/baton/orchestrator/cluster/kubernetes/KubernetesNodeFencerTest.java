package io.baton.orchestrator.cluster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.pools.ChipHealthSummary;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cordon and taint of Node objects on the CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesNodeFencerTest {

  private static final List<Integer> CHIPS = List.of(0, 1, 2, 3);

  KubernetesClient client;
  KubernetesMockServer server;
  NodeFencer fencer;

  @BeforeEach
  void nodes() {
    Kubelet kubelet = new Kubelet(client, Fixtures.NAMESPACE);
    kubelet.node("node-a", Map.of("baton.io/pool", "ascend"));
    Node b = kubelet.node("node-b", Map.of("baton.io/pool", "ascend"));
    b.getSpec()
        .setTaints(
            List.of(
                new TaintBuilder()
                    .withKey("huawei.com/Ascend910")
                    .withEffect("NoSchedule")
                    .build()));
    client.resource(b).update();
    fencer = new NodeFencer(ApiAudit.client(client), Fixtures.properties(), null, Fixtures.pools());
  }

  @org.junit.jupiter.api.AfterEach
  void audit() throws InterruptedException {
    ApiAudit.assertGranted(server);
  }

  @Test
  void aChipFaultCordonsAndTaintsTheNodeAndHealthReleasesIt() {
    fencer.fence("node-b", chips("OOFO"));

    Node fenced = client.nodes().withName("node-b").get();
    assertThat(fenced.getSpec().getUnschedulable()).isTrue();
    assertThat(fenced.getSpec().getTaints())
        .extracting(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
        .containsExactlyInAnyOrder(
            "huawei.com/Ascend910=null:NoSchedule", "baton.io/chip-fault=chip-2:NoSchedule");
    assertThat(client.nodes().withName("node-a").get().getSpec().getUnschedulable()).isNull();

    fencer.fence("node-b", chips("OOOO"));

    Node released = client.nodes().withName("node-b").get();
    assertThat(released.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    assertThat(released.getSpec().getTaints())
        .extracting(t -> t.getKey())
        .containsExactly("huawei.com/Ascend910");
    assertThat(released.getMetadata().getAnnotations()).doesNotContainKey(Names.CORDONED);
  }

  @Test
  void aReplicaThatNoLongerLeadsWritesNoNode() {
    io.baton.orchestrator.leadership.Fence stale =
        new io.baton.orchestrator.leadership.Fence("baton-leader", "paused-replica", 7);
    NodeFencer paused =
        new NodeFencer(
            ApiAudit.client(client),
            Fixtures.properties(),
            null,
            Fixtures.pools(),
            Map::of,
            null,
            () -> {
              throw new io.baton.orchestrator.leadership.LeaseLost(stale);
            });

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> paused.fence("node-b", chips("OOFO")))
        .isInstanceOf(io.baton.orchestrator.leadership.LeaseLost.class);

    Node untouched = client.nodes().withName("node-b").get();
    assertThat(untouched.getSpec().getUnschedulable()).isNull();
    assertThat(untouched.getSpec().getTaints())
        .extracting(t -> t.getKey())
        .containsExactly("huawei.com/Ascend910");
  }

  @Test
  void anOperatorsHoldKeepsTheNodeFenced() {
    fencer.fence("node-a", chips("FOOO"));
    client
        .nodes()
        .withName("node-a")
        .edit(
            n -> {
              n.getMetadata().getAnnotations().put("baton.io/hold", "true");
              return n;
            });

    assertThat(fencer.fence("node-a", chips("OOOO")))
        .isEqualTo(new Fencing.Keep("held by an operator"));

    Node held = client.nodes().withName("node-a").get();
    assertThat(held.getSpec().getUnschedulable()).isTrue();
    assertThat(held.getSpec().getTaints())
        .extracting(t -> t.getKey() + "=" + t.getValue())
        .containsExactly("baton.io/chip-fault=chip-0");

    client
        .nodes()
        .withName("node-a")
        .edit(
            n -> {
              n.getMetadata().getAnnotations().remove("baton.io/hold");
              return n;
            });
    assertThat(fencer.fence("node-a", chips("OOOO"))).isEqualTo(new Fencing.Release(true));
  }

  @Test
  void aConflictingWriteIsRetriedOnTheFreshNode() {
    AtomicInteger calls = new AtomicInteger();

    fencer.updateNode(
        "node-a",
        node -> {
          if (calls.incrementAndGet() == 1) {
            client
                .nodes()
                .withName("node-a")
                .edit(
                    n -> {
                      n.getMetadata().getLabels().put("someone-else", "was-here");
                      return n;
                    });
          }
          node.getMetadata().getLabels().put("baton", "too");
          return node;
        });

    assertThat(calls).hasValue(2);
    assertThat(client.nodes().withName("node-a").get().getMetadata().getLabels())
        .containsEntry("someone-else", "was-here")
        .containsEntry("baton", "too");
  }

  @Test
  void aNodeKubernetesDoesNotKnowIsLeftAlone() {
    assertThat(fencer.fence("node-z", chips("FFFF"))).isInstanceOf(Fencing.Keep.class);
  }

  @Test
  void aLinkDownIsolatedByThePolicyCordonsAndTaintsTheNodeAndItsReleaseLiftsTheFence() {
    java.time.Instant t0 = java.time.Instant.parse("2026-03-01T10:00:00Z");
    io.baton.orchestrator.faults.FaultPolicy policy =
        io.baton.orchestrator.faults.FaultPolicy.defaults();
    io.baton.orchestrator.faults.FaultPolicy.Verdict verdict =
        policy.evaluate(
            new io.baton.orchestrator.faults.Observation(
                t0, "node-a", 1, io.baton.orchestrator.faults.Signal.link("DOWN")),
            List.of());
    assertThat(verdict.action()).isEqualTo(io.baton.orchestrator.faults.FaultAction.ISOLATE_CHIP);
    Map<String, java.util.Set<Integer>> isolated = new java.util.HashMap<>();
    isolated.put("node-a", java.util.Set.of(1));
    NodeFencer byPolicy =
        new NodeFencer(
            ApiAudit.client(client),
            Fixtures.properties(),
            null,
            Fixtures.pools(),
            () -> isolated,
            null,
            () -> {});

    // The chip reports OK (its link is what is down): the isolation alone fences the node.
    byPolicy.fence("node-a", chips("OOOO").isolating(isolated.get("node-a")));

    Node fenced = client.nodes().withName("node-a").get();
    assertThat(fenced.getSpec().getUnschedulable()).isTrue();
    assertThat(fenced.getSpec().getTaints())
        .extracting(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
        .containsExactly("baton.io/chip-fault=chip-1:NoSchedule");

    // Healthy for the cooldown: the isolation is released, and with it the fence.
    assertThat(
            io.baton.orchestrator.faults.FaultPolicy.releaseDue(
                t0.plusSeconds(60), java.time.Duration.ofMinutes(30), false, t0.plusSeconds(1_860)))
        .isTrue();
    isolated.remove("node-a");
    byPolicy.fence(
        "node-a", chips("OOOO").isolating(isolated.getOrDefault("node-a", java.util.Set.of())));

    Node released = client.nodes().withName("node-a").get();
    assertThat(released.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    assertThat(released.getSpec().getTaints()).isEmpty();
  }

  @Test
  void aWholeNodeIsolationFencesEveryChip() {
    assertThat(chips("OOWO").isolating(java.util.Set.of(-1)).health().codes()).isEqualTo("FFFF");
    assertThat(chips("OOWO").isolating(java.util.Set.of(3)).health().codes()).isEqualTo("OOWF");
    assertThat(chips("OOWO").isolating(java.util.Set.of()).health().codes()).isEqualTo("OOWO");
  }

  private static Fencing.Chips chips(String codes) {
    return new Fencing.Chips(new ChipHealthSummary(codes), CHIPS, false);
  }
}
