package io.baton.orchestrator.pools;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Nodes in PostgreSQL: registration, reads, and the LOST sweep. Reports are written by ingest. */
@Repository
public class NodeRepository {

  private static final String COLUMNS =
      "name, pool, state, health, vendor, boot_id, last_seq, last_report_at, chips::text AS chips,"
          + " chip_health, chip_indexes, malformed_lines";

  private final JdbcClient jdbc;
  private final JsonMapper json;

  NodeRepository(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * Registers a node of a pool, NEW with {@code chips} UNKNOWN chips, unless it exists.
   *
   * @return the pool the node belongs to (an existing node keeps its pool)
   */
  public String register(String name, String pool, int chips, Instant now) {
    String unknown = String.valueOf(ChipHealth.UNKNOWN.code()).repeat(chips);
    jdbc.sql(
            """
            INSERT INTO nodes (name, pool, chip_health, chip_indexes, chips_total, chips_unknown,
                               created_at, updated_at)
            VALUES (:name, :pool, :health, CAST(:indexes AS integer[]), :chips, :chips, :now, :now)
            ON CONFLICT (name) DO NOTHING
            """)
        .param("name", name)
        .param("pool", pool)
        .param("health", unknown)
        .param("indexes", indexes(chips))
        .param("chips", chips)
        .param("now", utc(now))
        .update();
    return jdbc.sql("SELECT pool FROM nodes WHERE name = :name")
        .param("name", name)
        .query(String.class)
        .single();
  }

  private static String indexes(int chips) {
    StringBuilder array = new StringBuilder("{");
    for (int i = 0; i < chips; i++) {
      array.append(i == 0 ? "" : ",").append(i);
    }
    return array.append('}').toString();
  }

  public Optional<Node> find(String name) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM nodes WHERE name = :name")
        .param("name", name)
        .query((rs, n) -> node(rs))
        .optional();
  }

  /** Nodes by name, after {@code afterName}, filtered by pool and node health. */
  public List<Node> page(String pool, ChipHealth health, String afterName, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM nodes WHERE name > :after");
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("after", afterName == null ? "" : afterName);
    if (pool != null) {
      sql.append(" AND pool = :pool");
      params.put("pool", pool);
    }
    if (health != null) {
      sql.append(" AND health = :health");
      params.put("health", health.name());
    }
    sql.append(" ORDER BY name LIMIT :limit");
    params.put("limit", limit);
    return jdbc.sql(sql.toString()).params(params).query((rs, n) -> node(rs)).list();
  }

  /**
   * Node and chip counts of a pool. Chips the fault policy isolated ({@code isolations}; chip -1:
   * the whole node) are not schedulable, whatever their health.
   */
  public PoolCapacity capacity(String pool) {
    return jdbc.sql(
            """
            WITH n AS (SELECT * FROM nodes WHERE pool = :pool),
            iso AS (
              SELECT n.name,
                     bool_or(i.chip = -1) AS whole,
                     count(*) FILTER (WHERE i.chip >= 0) AS chips,
                     count(*) FILTER (
                       WHERE i.chip >= 0 AND n.state = 'READY'
                         AND substr(n.chip_health, array_position(n.chip_indexes, i.chip), 1)
                             IN ('O', 'W')) AS schedulable
                FROM n JOIN isolations i ON i.node = n.name
               GROUP BY n.name)
            SELECT count(*) AS nodes,
                   count(*) FILTER (WHERE n.state = 'NEW') AS nodes_new,
                   count(*) FILTER (WHERE n.state = 'READY') AS nodes_ready,
                   count(*) FILTER (WHERE n.state = 'LOST') AS nodes_lost,
                   coalesce(sum(n.chips_total), 0) AS chips_total,
                   coalesce(sum(
                     CASE WHEN iso.whole THEN 0
                          ELSE n.chips_ok + n.chips_warning - coalesce(iso.schedulable, 0) END)
                     FILTER (WHERE n.state = 'READY'), 0) AS schedulable,
                   coalesce(sum(n.chips_warning), 0) AS warning,
                   coalesce(sum(n.chips_fault), 0) AS fault,
                   coalesce(sum(n.chips_unknown), 0) AS unknown,
                   count(*) FILTER (WHERE iso.whole) AS nodes_isolated,
                   coalesce(sum(CASE WHEN iso.whole THEN n.chips_total ELSE iso.chips END), 0)
                     AS chips_isolated
              FROM n LEFT JOIN iso ON iso.name = n.name
            """)
        .param("pool", pool)
        .query(
            (rs, n) ->
                new PoolCapacity(
                    rs.getInt("nodes"),
                    Map.of(
                        NodeState.NEW, rs.getInt("nodes_new"),
                        NodeState.READY, rs.getInt("nodes_ready"),
                        NodeState.LOST, rs.getInt("nodes_lost")),
                    rs.getInt("chips_total"),
                    rs.getInt("schedulable"),
                    rs.getInt("warning"),
                    rs.getInt("fault"),
                    rs.getInt("unknown"),
                    rs.getInt("nodes_isolated"),
                    rs.getInt("chips_isolated")))
        .single();
  }

  /**
   * Marks READY nodes silent since before {@code cutoff} as LOST with every chip UNKNOWN.
   *
   * @return what each lost node was before
   */
  List<Lost> markLostBefore(Instant cutoff, Instant now) {
    return jdbc.sql(
            """
            WITH old AS (
              SELECT name, state, chip_health, chip_indexes, last_report_at FROM nodes
               WHERE state = 'READY' AND last_report_at < :cutoff
               FOR UPDATE SKIP LOCKED)
            UPDATE nodes n
               SET state = 'LOST', health = 'UNKNOWN',
                   chip_health = repeat('U', length(old.chip_health)),
                   chips_ok = 0, chips_warning = 0, chips_fault = 0,
                   chips_unknown = length(old.chip_health), updated_at = :now
              FROM old
             WHERE n.name = old.name
            RETURNING n.name, old.state, old.chip_health, old.chip_indexes, old.last_report_at
            """)
        .param("cutoff", utc(cutoff))
        .param("now", utc(now))
        .query(
            (rs, n) ->
                new Lost(
                    rs.getString(1),
                    NodeState.valueOf(rs.getString(2)),
                    new ChipHealthSummary(rs.getString(3)),
                    List.of((Integer[]) rs.getArray(4).getArray()),
                    rs.getObject(5, OffsetDateTime.class).toInstant()))
        .list();
  }

  /** A node just marked LOST, as it was before. */
  record Lost(
      String name,
      NodeState was,
      ChipHealthSummary chipHealth,
      List<Integer> chipIndexes,
      Instant lastReportAt) {}

  private Node node(ResultSet rs) throws SQLException {
    OffsetDateTime lastReport = rs.getObject("last_report_at", OffsetDateTime.class);
    String health = rs.getString("health");
    return new Node(
        rs.getString("name"),
        rs.getString("pool"),
        NodeState.valueOf(rs.getString("state")),
        ChipHealth.valueOf(health),
        rs.getString("vendor"),
        rs.getObject("boot_id", UUID.class),
        rs.getLong("last_seq"),
        lastReport == null ? null : lastReport.toInstant(),
        new ChipHealthSummary(rs.getString("chip_health")),
        List.of((Integer[]) rs.getArray("chip_indexes").getArray()),
        json.readTree(rs.getString("chips")),
        rs.getLong("malformed_lines"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
