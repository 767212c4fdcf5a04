package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.jobs.JobUpdates;
import io.baton.orchestrator.pools.ChipHealthSummary;
import io.baton.orchestrator.scheduling.Snapshot.FreeChip;
import io.baton.orchestrator.scheduling.Snapshot.NodeFree;
import io.baton.orchestrator.scheduling.Snapshot.TeamPool;
import io.baton.orchestrator.scheduling.Snapshot.Waiting;
import java.sql.Array;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What the planner reads (nodes, allocations, the queue) and the chips it books. */
@Repository
class SchedulingRepository {

  private final JdbcClient jdbc;
  private final JdbcTemplate jdbcTemplate;
  private final JobUpdates jobUpdates;

  SchedulingRepository(JdbcClient jdbc, JdbcTemplate jdbcTemplate, JobUpdates jobUpdates) {
    this.jobUpdates = jobUpdates;
    this.jdbc = jdbc;
    this.jdbcTemplate = jdbcTemplate;
  }

  /** Only one planner at a time across the cluster (released with the transaction). */
  boolean tryLock() {
    return Boolean.TRUE.equals(
        jdbc.sql("SELECT pg_try_advisory_xact_lock(7358101)").query(Boolean.class).single());
  }

  Snapshot snapshot(Instant now) {
    Map<String, Set<Integer>> allocated = new HashMap<>();
    Map<TeamPool, Integer> inUse = new HashMap<>();
    jdbc.sql("SELECT node, chip, team, pool FROM allocations")
        .query(
            rs -> {
              allocated.computeIfAbsent(rs.getString(1), n -> new HashSet<>()).add(rs.getInt(2));
              inUse.merge(new TeamPool(rs.getString(3), rs.getString(4)), 1, Integer::sum);
            });
    // Chips and nodes the fault policy isolated take no new work (chip -1: the whole node).
    Map<String, Set<Integer>> isolated = new HashMap<>();
    jdbc.sql("SELECT node, chip FROM isolations")
        .query(
            rs -> {
              isolated.computeIfAbsent(rs.getString(1), n -> new HashSet<>()).add(rs.getInt(2));
            });
    List<NodeFree> nodes =
        jdbc.sql(
                """
                SELECT name, pool, coalesce(topology_group, '') AS grp, chip_health, chip_indexes
                  FROM nodes WHERE state = 'READY' ORDER BY name
                """)
            .query(
                (rs, n) -> {
                  String name = rs.getString("name");
                  ChipHealthSummary health = new ChipHealthSummary(rs.getString("chip_health"));
                  Integer[] indexes = (Integer[]) rs.getArray("chip_indexes").getArray();
                  Set<Integer> taken = allocated.getOrDefault(name, Set.of());
                  Set<Integer> out = isolated.getOrDefault(name, Set.of());
                  List<FreeChip> free = new ArrayList<>();
                  for (int i = 0; i < health.size() && i < indexes.length; i++) {
                    if (health.get(i).schedulable()
                        && !taken.contains(indexes[i])
                        && !out.contains(indexes[i])
                        && !out.contains(-1)) {
                      free.add(new FreeChip(indexes[i], health.get(i)));
                    }
                  }
                  return new NodeFree(name, rs.getString("pool"), rs.getString("grp"), free);
                })
            .list();
    return new Snapshot(now, nodes, inUse);
  }

  /**
   * Straggler observations made since {@code since}, per node and chip ({@code node/chip}): the
   * chips' reputation.
   */
  Map<String, List<io.baton.orchestrator.faults.ChipReputation.Slowdown>> slowdowns(Instant since) {
    Map<String, List<io.baton.orchestrator.faults.ChipReputation.Slowdown>> byChip =
        new HashMap<>();
    jdbc.sql("SELECT node, chip, at, factor FROM chip_slowdowns WHERE at >= :since")
        .param("since", java.sql.Timestamp.from(since))
        .query(
            rs -> {
              byChip
                  .computeIfAbsent(rs.getString(1) + "/" + rs.getInt(2), k -> new ArrayList<>())
                  .add(
                      new io.baton.orchestrator.faults.ChipReputation.Slowdown(
                          rs.getTimestamp(3).toInstant(), rs.getDouble(4)));
            });
    return byChip;
  }

  /** Jobs waiting for chips. */
  List<Waiting> waiting() {
    return jdbc.sql(
            """
            SELECT id, team, pool, (spec ->> 'nodes')::int AS nodes,
                   (spec ->> 'chipsPerNode')::int AS chips, priority,
                   coalesce(queued_at, created_at) AS queued_at, excluded_nodes, version
              FROM jobs WHERE state = 'QUEUED' OR (state = 'RECOVERING' AND recovery_ready)
            """)
        .query(
            (rs, n) -> {
              Array excluded = rs.getArray("excluded_nodes");
              return new Waiting(
                  rs.getObject("id", UUID.class),
                  rs.getString("team"),
                  rs.getString("pool"),
                  rs.getInt("nodes"),
                  rs.getInt("chips"),
                  rs.getInt("priority"),
                  rs.getObject("queued_at", OffsetDateTime.class).toInstant(),
                  Set.of((String[]) excluded.getArray()));
            })
        .list();
  }

  /** Version and attempt of each job, to admit it with an optimistic check. */
  Map<UUID, long[]> versions(java.util.Collection<UUID> jobs) {
    Map<UUID, long[]> versions = new HashMap<>();
    if (jobs.isEmpty()) {
      return versions;
    }
    jdbcTemplate.query(
        con -> {
          var ps = con.prepareStatement("SELECT id, version, attempt FROM jobs WHERE id = ANY(?)");
          ps.setArray(1, con.createArrayOf("uuid", jobs.toArray()));
          return ps;
        },
        rs -> {
          versions.put(rs.getObject(1, UUID.class), new long[] {rs.getLong(2), rs.getLong(3)});
        });
    return versions;
  }

  /**
   * Books the chips of many placements at once. A chip someone else holds is not booked; a
   * placement that did not get every chip gets none.
   *
   * @return the jobs whose whole placement is booked
   */
  Set<UUID> allocateAll(List<Plan.Placement> placements, Map<UUID, long[]> versions, Instant now) {
    List<Object> nodes = new ArrayList<>();
    List<Object> chips = new ArrayList<>();
    List<Object> jobs = new ArrayList<>();
    List<Object> attempts = new ArrayList<>();
    List<Object> pools = new ArrayList<>();
    List<Object> teams = new ArrayList<>();
    Map<UUID, Integer> wanted = new HashMap<>();
    for (Plan.Placement p : placements) {
      wanted.put(p.jobId(), p.chips());
      for (Plan.NodeChips node : p.nodes()) {
        for (int chip : node.chips()) {
          nodes.add(node.node());
          chips.add(chip);
          jobs.add(p.jobId());
          attempts.add((int) versions.get(p.jobId())[1] + 1);
          pools.add(p.pool());
          teams.add(p.team());
        }
      }
    }
    Map<UUID, Integer> booked = new HashMap<>();
    jdbcTemplate.query(
        con -> {
          var ps =
              con.prepareStatement(
                  """
                  INSERT INTO allocations (node, chip, job_id, attempt, pool, team, allocated_at)
                  SELECT node, chip, job_id, attempt, pool, team, ?
                    FROM unnest(?::text[], ?::int[], ?::uuid[], ?::int[], ?::text[], ?::text[])
                      AS v(node, chip, job_id, attempt, pool, team)
                  ON CONFLICT (node, chip) DO NOTHING
                  RETURNING job_id
                  """);
          ps.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
          ps.setArray(2, con.createArrayOf("text", nodes.toArray()));
          ps.setArray(3, con.createArrayOf("int4", chips.toArray()));
          ps.setArray(4, con.createArrayOf("uuid", jobs.toArray()));
          ps.setArray(5, con.createArrayOf("int4", attempts.toArray()));
          ps.setArray(6, con.createArrayOf("text", pools.toArray()));
          ps.setArray(7, con.createArrayOf("text", teams.toArray()));
          return ps;
        },
        rs -> {
          booked.merge(rs.getObject(1, UUID.class), 1, Integer::sum);
        });
    Set<UUID> complete = new HashSet<>();
    List<UUID> partial = new ArrayList<>();
    wanted.forEach(
        (job, count) -> {
          if (count.equals(booked.get(job))) {
            complete.add(job);
          } else if (booked.containsKey(job)) {
            partial.add(job);
          }
        });
    release(partial);
    return complete;
  }

  /** Drops the chips these jobs hold. */
  void release(java.util.Collection<UUID> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    jdbcTemplate.update(
        con -> {
          var ps = con.prepareStatement("DELETE FROM allocations WHERE job_id = ANY(?)");
          ps.setArray(1, con.createArrayOf("uuid", jobs.toArray()));
          return ps;
        });
  }

  long version(UUID job) {
    return jdbc.sql("SELECT version FROM jobs WHERE id = :id")
        .param("id", job)
        .query(Long.class)
        .single();
  }

  /** Books the chips; a chip booked by anyone else fails the insert with a duplicate key. */
  void allocate(Plan.Placement placement, int attempt, Instant now) {
    List<Object[]> rows = new ArrayList<>();
    for (Plan.NodeChips node : placement.nodes()) {
      for (int chip : node.chips()) {
        rows.add(
            new Object[] {
              node.node(),
              chip,
              placement.jobId(),
              attempt,
              placement.pool(),
              placement.team(),
              OffsetDateTime.ofInstant(now, ZoneOffset.UTC)
            });
      }
    }
    jdbcTemplate.batchUpdate(
        """
        INSERT INTO allocations (node, chip, job_id, attempt, pool, team, allocated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        rows);
  }

  /** Records why each waiting job waits (the jobs feature writes it). */
  void pendingReasons(Map<UUID, String> reasons) {
    jobUpdates.pendingReasons(reasons);
  }
}
