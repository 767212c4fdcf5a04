package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.scheduling.Plan.NodeChips;
import io.baton.orchestrator.scheduling.Plan.Placement;
import io.baton.orchestrator.scheduling.Snapshot.FreeChip;
import io.baton.orchestrator.scheduling.Snapshot.NodeFree;
import io.baton.orchestrator.scheduling.Snapshot.TeamPool;
import io.baton.orchestrator.scheduling.Snapshot.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Gang placement, as a pure function: {@code plan(snapshot, queue, policy) -> decisions}.
 *
 * <p>Hard constraints: a job gets {@code nodes} nodes of its pool, each with {@code chipsPerNode}
 * free schedulable chips, or nothing; its team stays within its quota; nodes the job must avoid and
 * nodes reserved for an earlier job are not used. Order: priority, then waiting time. A job that
 * cannot be placed does not stop later ones (backfill) until it has waited {@code
 * reservationAfter}; then the nodes it needs are reserved for it. Soft preferences, in order: all
 * nodes in one topology group, nodes that are not suspect (a chip found slow lately, in a pool
 * whose straggler policy is {@code avoid} or {@code replace}), nodes without WARNING chips, best
 * fit (fewest chips left over). A soft preference never leaves a job waiting that could be placed.
 */
@Decision
final class Planner {

  private static final Comparator<Waiting> ORDER =
      Comparator.comparingInt(Waiting::priority)
          .reversed()
          .thenComparing(Waiting::queuedAt)
          .thenComparing(Waiting::id);

  private Planner() {}

  public static Plan plan(Snapshot snapshot, List<Waiting> queue, SchedulingPolicy policy) {
    FreeChips free = new FreeChips(snapshot.nodes(), policy::avoidsSuspects);
    Map<TeamPool, Integer> used = new HashMap<>(snapshot.chipsInUse());
    Map<String, UUID> reservedBy = new HashMap<>();
    Set<String> poolsWithHeadBlocked = new HashSet<>();
    List<Placement> placements = new ArrayList<>();
    Map<UUID, String> pending = new LinkedHashMap<>();
    Map<UUID, List<String>> reservations = new LinkedHashMap<>();

    for (Waiting job : queue.stream().sorted(ORDER).toList()) {
      TeamPool team = new TeamPool(job.team(), job.pool());
      int inUse = used.getOrDefault(team, 0);
      Integer quota = policy.quotas().get(team);
      if (quota != null && inUse + job.chips() > quota) {
        pending.put(
            job.id(),
            needs(job)
                + "; team quota "
                + inUse
                + "/"
                + quota
                + " chips in use, "
                + job.chips()
                + " more would exceed it");
        continue;
      }
      Optional<List<String>> chosen = choose(job, free);
      if (chosen.isPresent()) {
        List<NodeChips> gang = new ArrayList<>();
        for (String node : chosen.get()) {
          gang.add(new NodeChips(node, free.take(node, job.chipsPerNode())));
        }
        placements.add(new Placement(job.id(), job.pool(), job.team(), gang));
        used.merge(team, job.chips(), Integer::sum);
        continue;
      }
      String reason = needs(job) + "; " + availability(job, free, reservedBy);
      Duration waited = Duration.between(job.queuedAt(), snapshot.now());
      boolean head = poolsWithHeadBlocked.add(job.pool());
      if (head && waited.compareTo(policy.reservationAfter()) >= 0) {
        List<String> held = reserve(job, free, reservedBy);
        if (!held.isEmpty()) {
          reservations.put(job.id(), held);
          reason += "; waiting longer than " + human(policy.reservationAfter()) + ", holds " + held;
        }
      }
      pending.put(job.id(), reason);
    }
    return new Plan(placements, pending, reservations);
  }

  /**
   * The best nodes for the job, preferring one topology group; empty when it does not fit. The
   * nodes a job failed on are avoided while others fit, never a reason to wait: a node or chip that
   * is really bad is out of service for everyone (chip health, the fault policy's isolation), and a
   * job must not wait forever because every node of a small pool once failed under it.
   */
  private static Optional<List<String>> choose(Waiting job, FreeChips free) {
    Optional<List<String>> avoiding = choose(job, free, job.excludedNodes());
    if (avoiding.isPresent() || job.excludedNodes().isEmpty()) {
      return avoiding;
    }
    return choose(job, free, Set.of());
  }

  private static Optional<List<String>> choose(Waiting job, FreeChips free, Set<String> avoid) {
    if (job.nodes() == 1) {
      return free.best(job.pool(), job.chipsPerNode(), avoid).map(List::of);
    }
    List<NodeFree> candidates =
        free.nodesOf(job.pool()).stream()
            .filter(n -> !avoid.contains(n.name()))
            .filter(n -> !free.isReserved(n.name()))
            .filter(n -> free.free(n.name()).size() >= job.chipsPerNode())
            .toList();
    if (candidates.size() < job.nodes()) {
      return Optional.empty();
    }
    Comparator<NodeFree> rank = rank(job, free);
    Map<String, List<NodeFree>> groups = new TreeMap<>();
    for (NodeFree node : candidates) {
      groups.computeIfAbsent(node.group(), g -> new ArrayList<>()).add(node);
    }
    List<NodeFree> best = null;
    long[] bestScore = null;
    for (List<NodeFree> group : groups.values()) {
      if (group.size() < job.nodes()) {
        continue;
      }
      List<NodeFree> picked = group.stream().sorted(rank).limit(job.nodes()).toList();
      long[] score = score(picked, job, free);
      if (bestScore == null || compare(score, bestScore) < 0) {
        best = picked;
        bestScore = score;
      }
    }
    if (best == null) {
      best = candidates.stream().sorted(rank).limit(job.nodes()).toList();
    }
    return Optional.of(best.stream().map(NodeFree::name).toList());
  }

  /** Not suspect first, then fewer WARNING chips, then best fit (fewest left over), then name. */
  private static Comparator<NodeFree> rank(Waiting job, FreeChips free) {
    return Comparator.<NodeFree, Boolean>comparing(n -> free.suspect(n.name()))
        .thenComparingLong(n -> free.warnings(n.name()))
        .thenComparingInt(n -> free.free(n.name()).size() - job.chipsPerNode())
        .thenComparing(NodeFree::name);
  }

  /** A gang's soft score, compared in order: suspect nodes, WARNING chips, chips left over. */
  private static long[] score(List<NodeFree> picked, Waiting job, FreeChips free) {
    long suspects = 0;
    long warnings = 0;
    long leftover = 0;
    for (NodeFree node : picked) {
      suspects += free.suspect(node.name()) ? 1 : 0;
      warnings += free.warnings(node.name());
      leftover += free.free(node.name()).size() - job.chipsPerNode();
    }
    return new long[] {suspects, warnings, leftover};
  }

  private static int compare(long[] a, long[] b) {
    return Arrays.compare(a, b);
  }

  /** Holds the nodes closest to fitting the job (most free chips), so they drain towards it. */
  private static List<String> reserve(Waiting job, FreeChips free, Map<String, UUID> reservedBy) {
    List<String> held =
        free.nodesOf(job.pool()).stream()
            .filter(n -> !job.excludedNodes().contains(n.name()))
            .filter(n -> !free.isReserved(n.name()))
            .sorted(
                Comparator.<NodeFree>comparingInt(n -> -free.free(n.name()).size())
                    .thenComparing(NodeFree::name))
            .limit(job.nodes())
            .map(NodeFree::name)
            .toList();
    held.forEach(
        name -> {
          reservedBy.put(name, job.id());
          free.reserve(name);
        });
    return held;
  }

  private static String needs(Waiting job) {
    return "needs "
        + job.nodes()
        + (job.nodes() == 1 ? " node" : " nodes")
        + " × "
        + job.chipsPerNode()
        + " chips in "
        + job.pool();
  }

  private static String availability(Waiting job, FreeChips free, Map<String, UUID> reservedBy) {
    int c = job.chipsPerNode();
    int excluded = 0;
    for (String node : job.excludedNodes()) {
      List<FreeChip> chips = free.free(node);
      if (chips != null
          && !free.isReserved(node)
          && chips.size() >= c
          && free.nodesOf(job.pool()).stream().anyMatch(n -> n.name().equals(node))) {
        excluded++;
      }
    }
    int reserved = 0;
    for (String node : reservedBy.keySet()) {
      List<FreeChip> chips = free.free(node);
      if (chips != null
          && chips.size() >= c
          && free.nodesOf(job.pool()).stream().anyMatch(n -> n.name().equals(node))) {
        reserved++;
      }
    }
    int fitting = free.countAtLeast(job.pool(), c);
    StringBuilder text =
        new StringBuilder()
            .append(fitting)
            .append(fitting == 1 ? " node has " : " nodes have ")
            .append(c)
            .append(" schedulable chips free");
    if (reserved > 0) {
      text.append(", ").append(reserved).append(" more reserved for earlier jobs");
    }
    if (excluded > 0) {
      text.append(" (").append(excluded).append(" of them avoided after this job's faults)");
    }
    return text.toString();
  }

  private static String human(Duration duration) {
    return duration.toSeconds() + "s";
  }
}
