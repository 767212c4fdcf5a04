package io.baton.orchestrator.metrics;

import io.baton.orchestrator.endpoints.Endpoint;
import io.baton.orchestrator.endpoints.Endpoints;
import io.baton.orchestrator.metrics.FleetSnapshot.ChipRow;
import io.baton.orchestrator.metrics.FleetSnapshot.EndpointRow;
import io.baton.orchestrator.metrics.FleetSnapshot.GateRow;
import io.baton.orchestrator.metrics.FleetSnapshot.JobRow;
import io.baton.orchestrator.metrics.FleetSnapshot.Link;
import io.baton.orchestrator.metrics.FleetSnapshot.NodeRow;
import io.baton.orchestrator.metrics.FleetSnapshot.PoolRow;
import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.NodeState;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCapacity;
import io.baton.orchestrator.pools.PoolCatalog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads a {@link FleetSnapshot} in a few set queries. The chips come out of the nodes' stored
 * reports with PostgreSQL picking the few numbers out of each chip's JSON, so 40,000 chips are
 * 40,000 narrow rows rather than megabytes of JSON for the JVM to parse.
 */
@Component
class FleetReader {

  /**
   * The vendor readings of READY nodes' chips. Each node's stored report is expanded once ({@code
   * jsonb_array_elements}): picking chip {@code i} out of it by position instead made PostgreSQL
   * de-TOAST the whole report for every field of every chip, eight times slower.
   */
  private static final String READINGS =
      """
      SELECT n.name, e.chip->>'index' AS idx, e.chip->>'tempC' AS temp,
             e.chip->>'powerW' AS power, e.chip->>'memoryUsedMb' AS used,
             e.chip->>'memoryTotalMb' AS total, e.chip->>'utilizationPct' AS util,
             (SELECT string_agg((l->>'name') || ' ' || (l->>'state'), ',')
                FROM jsonb_array_elements(
                       CASE WHEN jsonb_typeof(e.chip->'links') = 'array' THEN e.chip->'links'
                            ELSE '[]'::jsonb END) l
               WHERE l->>'state' IN ('UP', 'DOWN')) AS links
        FROM nodes n CROSS JOIN LATERAL jsonb_array_elements(n.chips) AS e(chip)
       WHERE n.state = 'READY' AND jsonb_typeof(n.chips) = 'array'
      """;

  private static final String JOBS =
      """
      SELECT j.id, j.name, j.team, j.pool, j.state, j.progress->>'step' AS step,
             j.progress->>'totalSteps' AS total, j.progress->>'samplesPerSec' AS rate,
             j.steps_lost,
             (SELECT string_agg(coalesce(a.cause, ''), E'\\n') FROM job_attempts a
               WHERE a.job_id = j.id AND a.failed_at IS NOT NULL) AS causes
        FROM jobs j
       WHERE j.attempt > 0
         AND (j.state IN ('ADMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING')
              OR (j.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND j.updated_at > :since))
      """;

  private final JdbcClient jdbc;
  private final NodeRepository nodes;
  private final PoolCatalog pools;
  private final Endpoints endpoints;

  FleetReader(JdbcClient jdbc, NodeRepository nodes, PoolCatalog pools, Endpoints endpoints) {
    this.jdbc = jdbc;
    this.nodes = nodes;
    this.pools = pools;
    this.endpoints = endpoints;
  }

  /** The fleet now; jobs that ended after {@code endedSince} are still in it. */
  FleetSnapshot read(Instant now, Instant endedSince) {
    return new FleetSnapshot(
        now,
        chips(),
        nodeRows(),
        poolRows(),
        jobs(endedSince),
        counts("SELECT state, count(*) FROM promotions GROUP BY state"),
        gates(),
        counts("SELECT state, count(*) FROM rollouts GROUP BY state"),
        endpointRows());
  }

  /**
   * Every chip of every node with its normalized health (one letter per chip in {@code
   * chip_health}, in {@code chip_indexes} order) and, for READY nodes, its vendor readings.
   */
  private List<ChipRow> chips() {
    Map<String, ChipRow> readings = new HashMap<>();
    jdbc.sql(READINGS)
        .query(
            (RowCallbackHandler)
                rs -> {
                  String node = rs.getString("name");
                  String index = rs.getString("idx");
                  readings.put(
                      node + '/' + index,
                      new ChipRow(
                          null,
                          node,
                          index,
                          null,
                          number(rs, "temp"),
                          number(rs, "power"),
                          number(rs, "used"),
                          number(rs, "total"),
                          number(rs, "util"),
                          links(rs.getString("links"))));
                });
    List<ChipRow> chips = new ArrayList<>(readings.size());
    jdbc.sql("SELECT pool, name, chip_health, chip_indexes FROM nodes")
        .query(
            (RowCallbackHandler)
                rs -> {
                  String pool = rs.getString("pool");
                  String node = rs.getString("name");
                  String health = rs.getString("chip_health");
                  Integer[] indexes = (Integer[]) rs.getArray("chip_indexes").getArray();
                  for (int i = 0; i < indexes.length && i < health.length(); i++) {
                    String index = Integer.toString(indexes[i]);
                    String state = ChipHealth.ofCode(health.charAt(i)).name();
                    ChipRow read = readings.get(node + '/' + index);
                    chips.add(
                        read == null
                            ? new ChipRow(
                                pool, node, index, state, null, null, null, null, null, List.of())
                            : new ChipRow(
                                pool,
                                node,
                                index,
                                state,
                                read.temperatureCelsius(),
                                read.powerWatts(),
                                read.hbmUsedMib(),
                                read.hbmTotalMib(),
                                read.utilizationPct(),
                                read.links()));
                  }
                });
    return chips;
  }

  private static List<Link> links(String pairs) {
    if (pairs == null || pairs.isEmpty()) {
      return List.of();
    }
    List<Link> links = new ArrayList<>(2);
    for (String pair : pairs.split(",")) {
      int space = pair.lastIndexOf(' ');
      links.add(new Link(pair.substring(0, space), pair.endsWith(" UP")));
    }
    return links;
  }

  private List<NodeRow> nodeRows() {
    return jdbc.sql("SELECT pool, name, state, last_report_at FROM nodes")
        .query(
            (rs, n) ->
                new NodeRow(
                    rs.getString("pool"),
                    rs.getString("name"),
                    rs.getString("state"),
                    instant(rs.getTimestamp("last_report_at"))))
        .list();
  }

  private List<PoolRow> poolRows() {
    Map<String, Long> allocated = counts("SELECT pool, count(*) FROM allocations GROUP BY pool");
    Map<String, Map<String, Long>> jobsByState = new HashMap<>();
    Map<String, Long> queued = new HashMap<>();
    Map<String, Instant> oldest = new HashMap<>();
    jdbc.sql(
            """
            SELECT pool, state, count(*) AS jobs,
                   count(*) FILTER (WHERE state = 'QUEUED' OR recovery_ready) AS waiting,
                   min(coalesce(queued_at, updated_at))
                     FILTER (WHERE state = 'QUEUED' OR recovery_ready) AS oldest
              FROM jobs
             WHERE state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
             GROUP BY pool, state
            """)
        .query(
            (RowCallbackHandler)
                rs -> {
                  String pool = rs.getString("pool");
                  jobsByState
                      .computeIfAbsent(pool, p -> new TreeMap<>())
                      .put(rs.getString("state"), rs.getLong("jobs"));
                  queued.merge(pool, rs.getLong("waiting"), Long::sum);
                  Instant since = instant(rs.getTimestamp("oldest"));
                  if (since != null) {
                    oldest.merge(pool, since, (a, b) -> a.isBefore(b) ? a : b);
                  }
                });
    List<PoolRow> rows = new ArrayList<>();
    for (Pool pool : pools.all()) {
      String name = pool.name();
      PoolCapacity capacity = nodes.capacity(name);
      Map<String, Integer> chips = new LinkedHashMap<>();
      chips.put(
          ChipHealth.OK.name(),
          capacity.chipsTotal()
              - capacity.chipsWarning()
              - capacity.chipsFault()
              - capacity.chipsUnknown());
      chips.put(ChipHealth.WARNING.name(), capacity.chipsWarning());
      chips.put(ChipHealth.FAULT.name(), capacity.chipsFault());
      chips.put(ChipHealth.UNKNOWN.name(), capacity.chipsUnknown());
      Map<String, Integer> nodesByState = new LinkedHashMap<>();
      for (NodeState state : NodeState.values()) {
        nodesByState.put(state.name(), capacity.nodesByState().getOrDefault(state, 0));
      }
      rows.add(
          new PoolRow(
              name,
              chips,
              capacity.chipsSchedulable(),
              allocated.getOrDefault(name, 0L).intValue(),
              capacity.chipsIsolated(),
              nodesByState,
              capacity.nodesIsolated(),
              jobsByState.getOrDefault(name, Map.of()),
              queued.getOrDefault(name, 0L),
              oldest.get(name)));
    }
    return rows;
  }

  private List<JobRow> jobs(Instant endedSince) {
    return jdbc.sql(JOBS)
        .param("since", Timestamp.from(endedSince))
        .query(
            (rs, n) ->
                new JobRow(
                    rs.getString("id"),
                    rs.getString("name"),
                    rs.getString("team"),
                    rs.getString("pool"),
                    rs.getString("state"),
                    whole(rs, "step"),
                    whole(rs, "total"),
                    number(rs, "rate"),
                    rs.getLong("steps_lost"),
                    restarts(rs.getString("causes"))))
        .list();
  }

  private static Map<String, Integer> restarts(String causes) {
    if (causes == null) {
      return Map.of();
    }
    Map<String, Integer> byCause = new TreeMap<>();
    for (String cause : causes.split("\n", -1)) {
      byCause.merge(RestartCause.of(cause.isEmpty() ? null : cause).label, 1, Integer::sum);
    }
    return byCause;
  }

  /**
   * Gates by name and verdict; for running ones, when the oldest started. Times are ISO strings in
   * the stored gates (numbers read as epoch seconds, should a writer ever store them so).
   */
  private List<GateRow> gates() {
    return jdbc.sql(
            """
            SELECT g->>'name' AS gate, g->>'verdict' AS verdict, count(*) AS n,
                   min(CASE WHEN jsonb_typeof(g->'startedAt') = 'number'
                            THEN to_timestamp((g->>'startedAt')::float8)
                            ELSE (g->>'startedAt')::timestamptz END)
                     FILTER (WHERE p.state NOT IN ('ACTIVE', 'REJECTED', 'ROLLED_BACK')
                               AND (g->'endedAt' IS NULL OR g->'endedAt' = 'null'::jsonb))
                     AS oldest
              FROM promotions p, jsonb_array_elements(p.gates) g
             WHERE g->>'name' IS NOT NULL AND g->>'verdict' IS NOT NULL
             GROUP BY 1, 2
            """)
        .query(
            (rs, n) ->
                new GateRow(
                    rs.getString("gate"),
                    rs.getString("verdict"),
                    rs.getLong("n"),
                    instant(rs.getTimestamp("oldest"))))
        .list();
  }

  private List<EndpointRow> endpointRows() {
    List<EndpointRow> rows = new ArrayList<>();
    String after = null;
    while (true) {
      List<Endpoint> page = endpoints.list(after, null, 500);
      for (Endpoint e : page) {
        rows.add(
            new EndpointRow(
                e.name(),
                e.pool(),
                e.replicas().desired(),
                e.replicas().ready(),
                e.currentRevision() == null ? null : e.currentRevision().revision()));
      }
      if (page.size() < 500) {
        return rows;
      }
      after = page.get(page.size() - 1).name();
    }
  }

  private Map<String, Long> counts(String sql) {
    Map<String, Long> counts = new TreeMap<>();
    jdbc.sql(sql).query((RowCallbackHandler) rs -> counts.put(rs.getString(1), rs.getLong(2)));
    return counts;
  }

  private static Double number(ResultSet rs, String column) throws SQLException {
    String text = rs.getString(column);
    if (text == null) {
      return null;
    }
    try {
      return Double.valueOf(text);
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }

  private static Long whole(ResultSet rs, String column) throws SQLException {
    Double value = number(rs, column);
    return value == null ? null : value.longValue();
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
