package io.baton.orchestrator.dashboard;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventAudience;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCapacity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The dashboard's aggregated reads, computed in PostgreSQL so that a page's payload stays small
 * whatever the fleet's size: counts per pool and state, and a pool's chip health as one string per
 * node.
 */
@Repository
class FleetView {

  /** States in which a job holds or waits for chips (finished ones are not counted: history). */
  static final List<String> ACTIVE =
      List.of("QUEUED", "ADMITTED", "STARTING", "RUNNING", "RECOVERING", "CANCELLING");

  private static final String EVENT_COLUMNS =
      "id, type, subject, job_id, from_state, to_state, reason, actor, at, team";

  private final JdbcClient jdbc;
  private final NodeRepository nodes;

  FleetView(JdbcClient jdbc, NodeRepository nodes) {
    this.jdbc = jdbc;
    this.nodes = nodes;
  }

  Overview overview(
      Collection<Pool> pools,
      Set<String> teams,
      EventAudience audience,
      int eventLimit,
      Map<String, ChipSeconds> goodput) {
    Map<String, Integer> inUse = new HashMap<>();
    jdbc.sql(
            """
            SELECT j.pool, coalesce(sum(jsonb_array_length(p -> 'chips')), 0) AS chips
              FROM jobs j CROSS JOIN LATERAL jsonb_array_elements(j.placement) p
             WHERE j.state IN ('ADMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING')
             GROUP BY j.pool
            """)
        .query(
            rs -> {
              inUse.put(rs.getString("pool"), rs.getInt("chips"));
            });
    Map<String, Map<String, Integer>> jobs = new HashMap<>();
    jdbc.sql(
            "SELECT pool, state, count(*) AS n FROM jobs WHERE state IN (:active)"
                + (teams == null ? "" : " AND team = ANY (CAST(:teams AS text[]))")
                + " GROUP BY pool, state")
        .param("active", ACTIVE)
        .param("teams", teams == null ? null : teams.toArray(String[]::new))
        .query(
            rs -> {
              jobs.computeIfAbsent(rs.getString("pool"), p -> new TreeMap<>())
                  .put(rs.getString("state"), rs.getInt("n"));
            });
    List<PoolOverview> items = new ArrayList<>();
    for (Pool pool : pools) {
      Map<String, Integer> byState = new TreeMap<>();
      ACTIVE.forEach(s -> byState.put(s, 0));
      byState.putAll(jobs.getOrDefault(pool.name(), Map.of()));
      items.add(
          new PoolOverview(
              pool.name(),
              pool.role().name(),
              pool.accelerator(),
              nodes.capacity(pool.name()),
              inUse.getOrDefault(pool.name(), 0),
              byState,
              goodput.getOrDefault(pool.name(), ChipSeconds.NONE)));
    }
    return new Overview(items, recentEvents(audience, eventLimit));
  }

  private List<Event> recentEvents(EventAudience audience, int limit) {
    String visible =
        audience.everything()
            ? ""
            : " WHERE (team = ANY (CAST(:teams AS text[]))"
                + " OR team IS NULL AND (type LIKE 'node.%' OR type LIKE 'chip.%'))";
    return jdbc.sql(
            "SELECT " + EVENT_COLUMNS + " FROM events" + visible + " ORDER BY id DESC LIMIT :limit")
        .param("teams", audience.everything() ? null : audience.teams().toArray(String[]::new))
        .param("limit", limit)
        .query((rs, n) -> EventLog.event(rs))
        .list();
  }

  Chips chips(String pool) {
    List<String> names = new ArrayList<>();
    StringBuilder states = new StringBuilder();
    List<String> health = new ArrayList<>();
    jdbc.sql(
            "SELECT name, state, chip_health, chip_indexes::text AS indexes FROM nodes"
                + " WHERE pool = :pool"
                + " ORDER BY name")
        .param("pool", pool)
        .query(
            rs -> {
              names.add(rs.getString("name"));
              states.append(rs.getString("state").charAt(0));
              health.add(inIndexOrder(rs.getString("chip_health"), rs.getString("indexes")));
            });
    List<Isolation> isolations =
        jdbc.sql(
                "SELECT node, chip, held, reason FROM isolations WHERE pool = :pool"
                    + " ORDER BY node, chip")
            .param("pool", pool)
            .query(
                (rs, n) ->
                    new Isolation(
                        rs.getString("node"),
                        rs.getInt("chip"),
                        rs.getBoolean("held"),
                        rs.getString("reason")))
            .list();
    return new Chips(pool, names, states.toString(), health, isolations);
  }

  /** The health string with chip {@code i} at position {@code i}, whatever order it is kept in. */
  static String inIndexOrder(String health, String indexes) {
    String[] parts = indexes.substring(1, indexes.length() - 1).split(",");
    int[] index = new int[parts.length];
    boolean ordered = true;
    int max = -1;
    for (int i = 0; i < parts.length; i++) {
      index[i] = parts[i].isEmpty() ? i : Integer.parseInt(parts[i].trim());
      ordered &= index[i] == i;
      max = Math.max(max, index[i]);
    }
    if (ordered) {
      return health;
    }
    char[] byIndex = new char[max + 1];
    java.util.Arrays.fill(byIndex, '-');
    for (int i = 0; i < index.length && i < health.length(); i++) {
      byIndex[index[i]] = health.charAt(i);
    }
    return new String(byIndex);
  }

  boolean nodeExists(String name) {
    return jdbc.sql("SELECT count(*) FROM nodes WHERE name = :name")
            .param("name", name)
            .query(Integer.class)
            .single()
        > 0;
  }

  /**
   * Events of the node (and of its chips, or of one chip) that {@code audience} may see, newest
   * first.
   */
  List<Event> history(String node, Integer chip, EventAudience audience, int limit) {
    String chips = "node/" + node + "/chips/";
    return jdbc.sql(
            "SELECT "
                + EVENT_COLUMNS
                + " FROM events WHERE (subject = :node OR "
                + (chip == null ? "subject LIKE :chips" : "subject = :chip")
                + ")"
                + (audience.everything() ? "" : " AND (type LIKE 'node.%' OR type LIKE 'chip.%')")
                + " ORDER BY id DESC LIMIT :limit")
        .param("node", "node/" + node)
        .param("chips", chips.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        .param("chip", chips + chip)
        .param("limit", limit)
        .query((rs, n) -> EventLog.event(rs))
        .list();
  }

  /** {@code GET /api/v1/dashboard/overview}. */
  record Overview(List<PoolOverview> pools, List<Event> events) {}

  /**
   * One pool at a glance.
   *
   * @param capacity its nodes and chips by state and health, isolations included
   * @param chipsInUse chips held by jobs of every team (the fleet is no team's secret)
   * @param jobs the caller's teams' jobs in the pool that wait or hold chips, by state
   * @param goodput the caller's teams' chip-seconds in the pool since yesterday's start (UTC)
   */
  record PoolOverview(
      String name,
      String role,
      String accelerator,
      PoolCapacity capacity,
      int chipsInUse,
      Map<String, Integer> jobs,
      ChipSeconds goodput) {}

  /**
   * Where the chip-seconds of the caller's teams' jobs in a pool went from yesterday's start (UTC)
   * until now, as the goodput ledger counts them (read at most {@link OverviewGoodput#MAX_AGE}
   * ago).
   */
  record ChipSeconds(
      double allocated, double productive, double redone, double recovery, double stalled) {
    static final ChipSeconds NONE = new ChipSeconds(0, 0, 0, 0, 0);
  }

  /**
   * A pool's chips, compact: node {@code i} is {@code nodes[i]}, its state the {@code i}-th letter
   * of {@code states} ({@code N}EW, {@code R}EADY, {@code L}OST) and its chips' health {@code
   * health[i]}, one letter per chip by index ({@code O}K, {@code W}ARNING, {@code F}AULT, {@code
   * U}NKNOWN).
   */
  record Chips(
      String pool,
      List<String> nodes,
      String states,
      List<String> health,
      List<Isolation> isolations) {}

  /**
   * A chip ({@code chip} -1: the whole node) the fault policy isolated; {@code held} by an admin.
   */
  record Isolation(String node, int chip, boolean held, String reason) {}

  /** {@code GET /api/v1/dashboard/nodes/{name}/history}. */
  record History(String node, Integer chip, List<Event> items) {}
}
