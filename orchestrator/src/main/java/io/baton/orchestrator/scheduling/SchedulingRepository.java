package io.baton.orchestrator.scheduling;

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

  SchedulingRepository(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
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
                  List<FreeChip> free = new ArrayList<>();
                  for (int i = 0; i < health.size() && i < indexes.length; i++) {
                    if (health.get(i).schedulable() && !taken.contains(indexes[i])) {
                      free.add(new FreeChip(indexes[i], health.get(i)));
                    }
                  }
                  return new NodeFree(name, rs.getString("pool"), rs.getString("grp"), free);
                })
            .list();
    return new Snapshot(now, nodes, inUse);
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

  /** Records why each waiting job waits, writing only what changed. */
  void pendingReasons(Map<UUID, String> reasons) {
    if (reasons.isEmpty()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>();
    reasons.forEach((id, reason) -> rows.add(new Object[] {reason, id, reason}));
    jdbcTemplate.batchUpdate(
        "UPDATE jobs SET pending_reason = ? WHERE id = ? AND pending_reason IS DISTINCT FROM ?",
        rows);
  }
}
