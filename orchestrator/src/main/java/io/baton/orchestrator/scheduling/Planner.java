package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.scheduling.Plan.NodeChips;
import io.baton.orchestrator.scheduling.Plan.Placement;
import io.baton.orchestrator.scheduling.Snapshot.FreeChip;
import io.baton.orchestrator.scheduling.Snapshot.NodeFree;
import io.baton.orchestrator.scheduling.Snapshot.TeamPool;
import io.baton.orchestrator.scheduling.Snapshot.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * nodes in one topology group, nodes without WARNING chips, best fit (fewest chips left over).
 */
@Decision
public final class Planner {

  private static final Comparator<Waiting> ORDER =
      Comparator.comparingInt(Waiting::priority)
          .reversed()
          .thenComparing(Waiting::queuedAt)
          .thenComparing(Waiting::id);

  private Planner() {}

  public static Plan plan(Snapshot snapshot, List<Waiting> queue, SchedulingPolicy policy) {
    Map<String, List<FreeChip>> free = new HashMap<>();
    Map<String, NodeFree> nodes = new LinkedHashMap<>();
    for (NodeFree node : snapshot.nodes()) {
      nodes.put(node.name(), node);
      free.put(node.name(), sorted(node.free()));
    }
    Map<TeamPool, Integer> used = new HashMap<>(snapshot.chipsInUse());
    Map<String, UUID> reservedBy = new HashMap<>();
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
      List<NodeFree> candidates =
          nodes.values().stream()
              .filter(n -> n.pool().equals(job.pool()))
              .filter(n -> !job.excludedNodes().contains(n.name()))
              .filter(n -> !reservedBy.containsKey(n.name()))
              .filter(n -> free.get(n.name()).size() >= job.chipsPerNode())
              .toList();
      Optional<List<NodeFree>> chosen = choose(candidates, job, free);
      if (chosen.isPresent()) {
        List<NodeChips> gang = new ArrayList<>();
        for (NodeFree node : chosen.get()) {
          List<FreeChip> chips = free.get(node.name());
          List<FreeChip> taken = new ArrayList<>(chips.subList(0, job.chipsPerNode()));
          chips.subList(0, job.chipsPerNode()).clear();
          gang.add(
              new NodeChips(node.name(), taken.stream().map(FreeChip::index).sorted().toList()));
        }
        placements.add(new Placement(job.id(), job.pool(), job.team(), gang));
        used.merge(team, job.chips(), Integer::sum);
        continue;
      }
      String reason = needs(job) + "; " + availability(job, nodes.values(), free, reservedBy);
      Duration waited = Duration.between(job.queuedAt(), snapshot.now());
      if (waited.compareTo(policy.reservationAfter()) >= 0) {
        List<String> held = reserve(job, nodes.values(), free, reservedBy);
        if (!held.isEmpty()) {
          reservations.put(job.id(), held);
          reason += "; waiting longer than " + human(policy.reservationAfter()) + ", holds " + held;
        }
      }
      pending.put(job.id(), reason);
    }
    return new Plan(placements, pending, reservations);
  }

  /** The best set of nodes for the job among the candidates, preferring one topology group. */
  private static Optional<List<NodeFree>> choose(
      List<NodeFree> candidates, Waiting job, Map<String, List<FreeChip>> free) {
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
    if (best != null) {
      return Optional.of(best);
    }
    return Optional.of(candidates.stream().sorted(rank).limit(job.nodes()).toList());
  }

  /** Fewer WARNING chips first, then best fit (fewest chips left over), then name. */
  private static Comparator<NodeFree> rank(Waiting job, Map<String, List<FreeChip>> free) {
    return Comparator.<NodeFree>comparingLong(n -> warnings(free.get(n.name())))
        .thenComparingInt(n -> free.get(n.name()).size() - job.chipsPerNode())
        .thenComparing(NodeFree::name);
  }

  private static long[] score(
      List<NodeFree> picked, Waiting job, Map<String, List<FreeChip>> free) {
    long warnings = 0;
    long leftover = 0;
    for (NodeFree node : picked) {
      warnings += warnings(free.get(node.name()));
      leftover += free.get(node.name()).size() - job.chipsPerNode();
    }
    return new long[] {warnings, leftover};
  }

  private static int compare(long[] a, long[] b) {
    int byWarnings = Long.compare(a[0], b[0]);
    return byWarnings != 0 ? byWarnings : Long.compare(a[1], b[1]);
  }

  /** Holds the nodes closest to fitting the job (most free chips), so they drain towards it. */
  private static List<String> reserve(
      Waiting job,
      java.util.Collection<NodeFree> nodes,
      Map<String, List<FreeChip>> free,
      Map<String, UUID> reservedBy) {
    List<String> held =
        nodes.stream()
            .filter(n -> n.pool().equals(job.pool()))
            .filter(n -> !job.excludedNodes().contains(n.name()))
            .filter(n -> !reservedBy.containsKey(n.name()))
            .sorted(
                Comparator.<NodeFree>comparingInt(n -> -free.get(n.name()).size())
                    .thenComparing(NodeFree::name))
            .limit(job.nodes())
            .map(NodeFree::name)
            .toList();
    held.forEach(name -> reservedBy.put(name, job.id()));
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

  private static String availability(
      Waiting job,
      java.util.Collection<NodeFree> nodes,
      Map<String, List<FreeChip>> free,
      Map<String, UUID> reservedBy) {
    int fitting = 0;
    int reserved = 0;
    int excluded = 0;
    for (NodeFree node : nodes) {
      if (!node.pool().equals(job.pool()) || free.get(node.name()).size() < job.chipsPerNode()) {
        continue;
      }
      if (job.excludedNodes().contains(node.name())) {
        excluded++;
      } else if (reservedBy.containsKey(node.name())) {
        reserved++;
      } else {
        fitting++;
      }
    }
    StringBuilder text =
        new StringBuilder()
            .append(fitting)
            .append(fitting == 1 ? " node has " : " nodes have ")
            .append(job.chipsPerNode())
            .append(" schedulable chips free");
    if (reserved > 0) {
      text.append(", ").append(reserved).append(" more reserved for earlier jobs");
    }
    if (excluded > 0) {
      text.append(", ").append(excluded).append(" more excluded after faults");
    }
    return text.toString();
  }

  private static List<FreeChip> sorted(List<FreeChip> chips) {
    List<FreeChip> sorted = new ArrayList<>(chips);
    sorted.sort(
        Comparator.<FreeChip>comparingInt(c -> c.health() == ChipHealth.OK ? 0 : 1)
            .thenComparingInt(FreeChip::index));
    return sorted;
  }

  private static long warnings(List<FreeChip> chips) {
    return chips.stream().filter(c -> c.health() == ChipHealth.WARNING).count();
  }

  private static String human(Duration duration) {
    return duration.toSeconds() + "s";
  }
}
