package io.baton.orchestrator.scheduling;

import static io.baton.orchestrator.pools.ChipHealth.OK;
import static io.baton.orchestrator.pools.ChipHealth.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.faults.StragglerPolicy;
import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.scheduling.Plan.NodeChips;
import io.baton.orchestrator.scheduling.Snapshot.FreeChip;
import io.baton.orchestrator.scheduling.Snapshot.NodeFree;
import io.baton.orchestrator.scheduling.Snapshot.TeamPool;
import io.baton.orchestrator.scheduling.Snapshot.Waiting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlannerTest {

  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final String POOL = "ascend-910b";

  // ---- fixture builders ----

  static NodeFree node(String name, String group, int freeOk) {
    return node(name, group, freeOk, 0);
  }

  static NodeFree node(String name, String group, int freeOk, int freeWarning) {
    List<FreeChip> chips = new ArrayList<>();
    for (int i = 0; i < freeOk; i++) {
      chips.add(new FreeChip(i, OK));
    }
    for (int i = 0; i < freeWarning; i++) {
      chips.add(new FreeChip(freeOk + i, WARNING));
    }
    return new NodeFree(name, POOL, group, chips);
  }

  /** A node one of whose chips was found slow lately. */
  static NodeFree suspect(NodeFree node) {
    return new NodeFree(node.name(), node.pool(), node.group(), node.free(), true);
  }

  static Plan plan(List<NodeFree> nodes, List<Waiting> queue, StragglerPolicy poolPolicy) {
    return Planner.plan(
        new Snapshot(NOW, nodes, Map.of()),
        queue,
        new SchedulingPolicy(Duration.ofMinutes(10), Map.of(), Map.of(POOL, poolPolicy)));
  }

  static final class JobBuilder {
    UUID id = UUID.randomUUID();
    String team = "vision";
    String pool = POOL;
    int nodes = 1;
    int chips = 8;
    int priority = 0;
    Duration waited = Duration.ofSeconds(1);
    Set<String> excluded = Set.of();

    JobBuilder nodes(int n) {
      nodes = n;
      return this;
    }

    JobBuilder chips(int c) {
      chips = c;
      return this;
    }

    JobBuilder priority(int p) {
      priority = p;
      return this;
    }

    JobBuilder team(String t) {
      team = t;
      return this;
    }

    JobBuilder waited(Duration d) {
      waited = d;
      return this;
    }

    JobBuilder excluding(String... names) {
      excluded = Set.of(names);
      return this;
    }

    Waiting build() {
      return new Waiting(id, team, pool, nodes, chips, priority, NOW.minus(waited), excluded);
    }
  }

  static JobBuilder aJob() {
    return new JobBuilder();
  }

  static Plan plan(List<NodeFree> nodes, List<Waiting> queue) {
    return plan(nodes, queue, Map.of(), Map.of(), Duration.ofMinutes(10));
  }

  static Plan plan(
      List<NodeFree> nodes,
      List<Waiting> queue,
      Map<TeamPool, Integer> used,
      Map<TeamPool, Integer> quotas,
      Duration reservationAfter) {
    return Planner.plan(
        new Snapshot(NOW, nodes, used), queue, new SchedulingPolicy(reservationAfter, quotas));
  }

  static List<String> nodesOf(Plan plan, Waiting job) {
    return plan.placements().stream()
        .filter(p -> p.jobId().equals(job.id()))
        .flatMap(p -> p.nodes().stream().map(NodeChips::node))
        .toList();
  }

  // ---- gang ----

  @Test
  void aGangIsAllOrNothingAndSaysWhyItWaits() {
    Waiting job = aJob().nodes(2).chips(8).build();

    Plan plan = plan(List.of(node("a", "g", 8), node("b", "g", 4)), List.of(job));

    assertThat(plan.placements()).isEmpty();
    assertThat(plan.pending().get(job.id()))
        .isEqualTo("needs 2 nodes × 8 chips in ascend-910b; 1 node has 8 schedulable chips free");
  }

  @Test
  void aGangGetsDistinctNodesAndTheRightChipCount() {
    Waiting job = aJob().nodes(2).chips(4).build();

    Plan plan = plan(List.of(node("a", "g", 8), node("b", "g", 8)), List.of(job));

    assertThat(plan.placements())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.nodes()).extracting(NodeChips::node).containsExactlyInAnyOrder("a", "b");
              assertThat(p.nodes())
                  .allSatisfy(n -> assertThat(n.chips()).containsExactly(0, 1, 2, 3));
            });
  }

  @Test
  void chipsAreNotGivenTwiceWithinOnePlan() {
    Waiting first = aJob().chips(4).waited(Duration.ofSeconds(3)).build();
    Waiting second = aJob().chips(4).waited(Duration.ofSeconds(2)).build();
    Waiting third = aJob().chips(4).waited(Duration.ofSeconds(1)).build();

    Plan plan = plan(List.of(node("a", "g", 8)), List.of(first, second, third));

    assertThat(plan.placements()).hasSize(2);
    assertThat(plan.placements().get(0).nodes().get(0).chips()).containsExactly(0, 1, 2, 3);
    assertThat(plan.placements().get(1).nodes().get(0).chips()).containsExactly(4, 5, 6, 7);
    assertThat(plan.pending()).containsOnlyKeys(third.id());
  }

  // ---- order ----

  @Test
  void higherPriorityGoesFirstThenTheOlderJob() {
    Waiting old = aJob().waited(Duration.ofMinutes(5)).build();
    Waiting young = aJob().waited(Duration.ofMinutes(1)).build();
    Waiting urgent = aJob().priority(10).waited(Duration.ofSeconds(1)).build();

    Plan onePlace = plan(List.of(node("a", "g", 8)), List.of(young, old, urgent));
    Plan twoPlaces =
        plan(List.of(node("a", "g", 8), node("b", "g", 8)), List.of(young, old, urgent));

    assertThat(onePlace.placements())
        .extracting(Plan.Placement::jobId)
        .containsExactly(urgent.id());
    assertThat(twoPlaces.placements())
        .extracting(Plan.Placement::jobId)
        .containsExactly(urgent.id(), old.id());
  }

  // ---- backfill and reservation ----

  @Test
  void smallerJobsBackfillAroundABlockedHeadUntilItHasWaitedLongEnough() {
    Waiting head = aJob().nodes(2).priority(5).waited(Duration.ofMinutes(1)).build();
    Waiting small = aJob().chips(8).build();

    Plan plan =
        plan(
            List.of(node("a", "g", 8), node("b", "g", 4)),
            List.of(head, small),
            Map.of(),
            Map.of(),
            Duration.ofMinutes(10));

    assertThat(nodesOf(plan, small)).containsExactly("a");
    assertThat(plan.pending()).containsKey(head.id());
    assertThat(plan.reservations()).isEmpty();
  }

  @Test
  void aHeadThatWaitedPastReservationAfterHoldsItsNodes() {
    Waiting head = aJob().nodes(2).priority(5).waited(Duration.ofMinutes(11)).build();
    Waiting small = aJob().chips(8).build();

    Plan plan =
        plan(
            List.of(node("a", "g", 8), node("b", "g", 4)),
            List.of(head, small),
            Map.of(),
            Map.of(),
            Duration.ofMinutes(10));

    assertThat(plan.placements()).isEmpty();
    assertThat(plan.reservations().get(head.id())).containsExactly("a", "b");
    assertThat(plan.pending().get(head.id())).contains("holds [a, b]");
    assertThat(plan.pending().get(small.id()))
        .isEqualTo(
            "needs 1 node × 8 chips in ascend-910b; 0 nodes have 8 schedulable chips free, 1 more reserved for earlier jobs");
  }

  @Test
  void aReservationLeavesOtherNodesToBackfill() {
    Waiting head = aJob().nodes(2).waited(Duration.ofMinutes(11)).build();
    Waiting small = aJob().chips(2).build();

    Plan plan =
        plan(
            List.of(node("a", "g", 6), node("b", "g", 4), node("c", "g", 2)),
            List.of(head, small),
            Map.of(),
            Map.of(),
            Duration.ofMinutes(10));

    assertThat(plan.reservations().get(head.id())).containsExactly("a", "b");
    assertThat(nodesOf(plan, small)).containsExactly("c");
  }

  // ---- quotas ----

  @Test
  void aTeamAtItsQuotaWaitsWhileOthersRun() {
    TeamPool vision = new TeamPool("vision", POOL);
    Waiting capped = aJob().team("vision").waited(Duration.ofMinutes(5)).build();
    Waiting other = aJob().team("nlp").build();

    Plan plan =
        plan(
            List.of(node("a", "g", 8)),
            List.of(capped, other),
            Map.of(vision, 16),
            Map.of(vision, 16),
            Duration.ofMinutes(10));

    assertThat(plan.pending().get(capped.id()))
        .isEqualTo(
            "needs 1 node × 8 chips in ascend-910b; team quota 16/16 chips in use, 8 more would exceed it");
    assertThat(nodesOf(plan, other)).containsExactly("a");
  }

  @Test
  void aQuotaCanBeFilledExactlyButNotPassed() {
    TeamPool vision = new TeamPool("vision", POOL);
    Waiting fits = aJob().team("vision").waited(Duration.ofMinutes(2)).build();
    Waiting over = aJob().team("vision").waited(Duration.ofMinutes(1)).build();

    Plan plan =
        plan(
            List.of(node("a", "g", 8), node("b", "g", 8)),
            List.of(fits, over),
            Map.of(vision, 8),
            Map.of(vision, 16),
            Duration.ofMinutes(10));

    assertThat(plan.placements()).extracting(Plan.Placement::jobId).containsExactly(fits.id());
    assertThat(plan.pending().get(over.id())).contains("team quota 16/16");
  }

  @Test
  void quotasCountPerPool() {
    Map<TeamPool, Integer> quotas = Map.of(new TeamPool("vision", "other-pool"), 0);

    Plan plan =
        plan(
            List.of(node("a", "g", 8)),
            List.of(aJob().team("vision").build()),
            Map.of(),
            quotas,
            Duration.ofMinutes(10));

    assertThat(plan.placements()).hasSize(1);
  }

  // ---- fit, fragmentation, topology, health ----

  @Test
  void bestFitLeavesWholeNodesForWholeNodeJobs() {
    Waiting half = aJob().chips(4).build();

    Plan plan = plan(List.of(node("a", "g", 8), node("b", "g", 4)), List.of(half));

    assertThat(nodesOf(plan, half)).containsExactly("b");
  }

  @Test
  void fragmentedFreeChipsDoNotMakeAWholeNode() {
    Waiting whole = aJob().chips(8).build();
    List<NodeFree> fragmented =
        List.of(node("a", "g", 4), node("b", "g", 4), node("c", "g", 4), node("d", "g", 4));

    Plan plan = plan(fragmented, List.of(whole));

    assertThat(plan.placements()).isEmpty();
    assertThat(plan.pending().get(whole.id())).endsWith("0 nodes have 8 schedulable chips free");
  }

  @Test
  void aGangStaysInOneTopologyGroupWhenOneCanHoldIt() {
    Waiting pair = aJob().nodes(2).build();
    List<NodeFree> nodes =
        List.of(node("a1", "A", 8), node("b1", "B", 8), node("b2", "B", 8), node("c1", "C", 8));

    Plan plan = plan(nodes, List.of(pair));

    assertThat(nodesOf(plan, pair)).containsExactlyInAnyOrder("b1", "b2");
  }

  @Test
  void aGangSpansGroupsOnlyWhenNoGroupCanHoldIt() {
    Waiting trio = aJob().nodes(3).build();
    List<NodeFree> nodes = List.of(node("a1", "A", 8), node("a2", "A", 8), node("b1", "B", 8));

    Plan plan = plan(nodes, List.of(trio));

    assertThat(nodesOf(plan, trio)).containsExactlyInAnyOrder("a1", "a2", "b1");
  }

  @Test
  void nodesWithWarningChipsAreUsedLastAndOkChipsFirst() {
    Waiting one = aJob().chips(4).waited(Duration.ofSeconds(2)).build();
    Waiting two = aJob().chips(4).waited(Duration.ofSeconds(1)).build();

    Plan plan = plan(List.of(node("warn", "g", 6, 2), node("ok", "g", 8)), List.of(one, two));

    assertThat(nodesOf(plan, one)).containsExactly("ok");
    assertThat(nodesOf(plan, two)).containsExactly("ok");
    Plan forced = plan(List.of(node("warn", "g", 2, 2)), List.of(aJob().chips(3).build()));
    assertThat(forced.placements().get(0).nodes().get(0).chips()).containsExactly(0, 1, 2);
  }

  // ---- stragglers: suspect nodes ----

  @Test
  void suspectNodesAreUsedLastWhenThePoolAvoidsOrReplacesStragglers() {
    Waiting one = aJob().chips(8).waited(Duration.ofSeconds(2)).build();
    Waiting two = aJob().chips(8).waited(Duration.ofSeconds(1)).build();
    List<NodeFree> nodes = List.of(suspect(node("a", "g", 8)), node("b", "g", 8));

    for (StragglerPolicy policy : List.of(StragglerPolicy.AVOID, StragglerPolicy.REPLACE)) {
      Plan plan = plan(nodes, List.of(one, two), policy);

      assertThat(nodesOf(plan, one)).as("%s", policy).containsExactly("b");
      assertThat(nodesOf(plan, two)).as("%s", policy).containsExactly("a");
    }
  }

  @Test
  void suspectNodesAreLikeAnyOtherWhenThePoolObserves() {
    Waiting half = aJob().chips(4).build();
    List<NodeFree> nodes = List.of(suspect(node("a", "g", 4)), node("b", "g", 8));

    assertThat(nodesOf(plan(nodes, List.of(half), StragglerPolicy.OBSERVE), half))
        .as("best fit decides")
        .containsExactly("a");
    assertThat(nodesOf(plan(nodes, List.of(half)), half)).containsExactly("a");
    assertThat(nodesOf(plan(nodes, List.of(half), StragglerPolicy.AVOID), half))
        .containsExactly("b");
  }

  @Test
  void aSuspectNodeIsUsedRatherThanLeaveAJobWaiting() {
    Waiting single = aJob().chips(8).build();
    Waiting pair = aJob().nodes(2).chips(8).build();
    List<NodeFree> nodes = List.of(suspect(node("a", "g", 8)), suspect(node("b", "g", 8)));

    assertThat(nodesOf(plan(nodes.subList(0, 1), List.of(single), StragglerPolicy.REPLACE), single))
        .containsExactly("a");
    assertThat(nodesOf(plan(nodes, List.of(pair), StragglerPolicy.AVOID), pair))
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aSuspectNodeComesAfterNodesWithWarningChips() {
    Waiting job = aJob().chips(4).build();
    List<NodeFree> nodes = List.of(suspect(node("slow", "g", 8)), node("warn", "g", 6, 2));

    assertThat(nodesOf(plan(nodes, List.of(job), StragglerPolicy.AVOID), job))
        .containsExactly("warn");
  }

  @Test
  void aGangLeavesOutTheSuspectNodeOfItsTopologyGroupWhenItCan() {
    Waiting pair = aJob().nodes(2).build();
    List<NodeFree> nodes =
        List.of(
            suspect(node("a1", "A", 8)),
            node("a2", "A", 8),
            node("a3", "A", 8),
            node("b1", "B", 8),
            node("b2", "B", 8));

    assertThat(nodesOf(plan(nodes, List.of(pair), StragglerPolicy.AVOID), pair))
        .containsExactlyInAnyOrder("a2", "a3");
    List<NodeFree> groupWithASuspect =
        List.of(suspect(node("a1", "A", 8)), node("a2", "A", 8), node("b1", "B", 8));
    assertThat(nodesOf(plan(groupWithASuspect, List.of(pair), StragglerPolicy.AVOID), pair))
        .as("one topology group still comes first")
        .containsExactlyInAnyOrder("a1", "a2");
  }

  @Test
  void manySuspectNodesNeverDoubleBookOrStrandAJob() {
    List<NodeFree> nodes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      NodeFree node = node("n" + i, "g" + i % 4, 8);
      nodes.add(i % 3 == 0 ? suspect(node) : node);
    }
    List<Waiting> queue = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      queue.add(aJob().chips(4).build());
    }

    Plan plan = plan(nodes, queue, StragglerPolicy.AVOID);

    assertThat(plan.placements()).hasSize(200);
    assertThat(plan.placements().subList(0, 132))
        .allSatisfy(
            p ->
                assertThat(Integer.parseInt(p.nodes().get(0).node().substring(1)) % 3).isNotZero());
  }

  @Test
  void nodesAJobFailedOnAreAvoidedWhileOthersFit() {
    Waiting resumed = aJob().excluding("a").build();

    Plan plan = plan(List.of(node("a", "g", 8), node("b", "g", 8)), List.of(resumed));

    assertThat(nodesOf(plan, resumed)).containsExactly("b");
  }

  @Test
  void nodesAJobFailedOnAreNeverAReasonToWait() {
    Waiting resumed = aJob().excluding("a").build();
    Waiting gang = aJob().nodes(2).excluding("a", "b").build();

    Plan single = plan(List.of(node("a", "g", 8)), List.of(resumed));
    Plan both = plan(List.of(node("a", "g", 8), node("b", "g", 8)), List.of(gang));

    assertThat(nodesOf(single, resumed)).containsExactly("a");
    assertThat(nodesOf(both, gang)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aWaitingJobsReasonSaysWhichFittingNodesItAvoids() {
    Waiting gang = aJob().nodes(3).excluding("a").build();

    Plan plan = plan(List.of(node("a", "g", 8), node("b", "g", 8)), List.of(gang));

    assertThat(plan.pending().get(gang.id()))
        .contains(
            "2 nodes have 8 schedulable chips free (1 of them avoided after this job's faults)");
  }

  @Test
  void jobsOnlyUseTheirOwnPool() {
    Waiting job = aJob().build();
    NodeFree gpu =
        new NodeFree("gpu-0", "nvidia-h100", "g", List.of(new FreeChip(0, ChipHealth.OK)));

    Plan plan = plan(List.of(gpu), List.of(job));

    assertThat(plan.placements()).isEmpty();
  }

  @Test
  void thousandsOfJobsOnThousandsOfNodesNeverDoubleBook() {
    List<NodeFree> nodes = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      nodes.add(node("n" + i, "g" + i % 10, 8));
    }
    List<Waiting> queue = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      queue.add(aJob().chips(i % 3 == 0 ? 8 : 4).build());
    }

    Plan plan = plan(nodes, queue);

    Map<String, List<Integer>> booked = new HashMap<>();
    plan.placements()
        .forEach(
            p ->
                p.nodes()
                    .forEach(
                        n ->
                            booked
                                .computeIfAbsent(n.node(), k -> new ArrayList<>())
                                .addAll(n.chips())));
    booked
        .values()
        .forEach(chips -> assertThat(chips).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(8));
    assertThat(plan.placements().stream().mapToInt(Plan.Placement::chips).sum()).isEqualTo(4000);
    assertThat(plan.placements().size() + plan.pending().size()).isEqualTo(1200);
  }
}
