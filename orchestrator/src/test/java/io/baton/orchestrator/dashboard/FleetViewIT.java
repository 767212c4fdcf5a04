package io.baton.orchestrator.dashboard;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard's read models against the real database: compact, aggregated, walled. */
class FleetViewIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired FleetView fleet;
  @Autowired OverviewGoodput goodput;
  @Autowired EventLog events;
  @Autowired JdbcClient jdbc;
  @Autowired JsonMapper json;

  Api admin;
  final String teamA = "fa" + UUID.randomUUID().toString().substring(0, 8);
  final String teamB = "fb" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeEach
  void client() {
    admin = new Api(port, adminToken());
  }

  @Test
  void aPoolOf5000NodesOf8ChipsIsOneSmallAnswer() {
    String pool = "fv-" + UUID.randomUUID().toString().substring(0, 8);
    jdbc.sql(
            """
            INSERT INTO nodes (name, pool, chip_health, chip_indexes, chips_total, chips_unknown,
                               created_at, updated_at)
            SELECT :pool || '-' || lpad(i::text, 4, '0'), :pool,
                   CASE WHEN i % 100 = 7 THEN 'OOOFOOOO' WHEN i % 50 = 3 THEN 'OWOOOOOO'
                        ELSE 'OOOOOOOO' END,
                   '{0,1,2,3,4,5,6,7}', 8, 0, :now, :now
              FROM generate_series(0, 4999) i
            """)
        .param("pool", pool)
        .param("now", OffsetDateTime.now())
        .update();
    jdbc.sql(
            """
            INSERT INTO isolations (node, chip, pool, reason, isolated_at, held)
            VALUES (:pool || '-0007', 3, :pool, 'link:DOWN', :now, true),
                   (:pool || '-0107', -1, :pool, 'xid storm', :now, false)
            """)
        .param("pool", pool)
        .param("now", OffsetDateTime.now())
        .update();
    try {
      long cold = System.nanoTime();
      json.writeValueAsBytes(fleet.chips(pool));
      long coldMillis = (System.nanoTime() - cold) / 1_000_000;
      long started = System.nanoTime();
      FleetView.Chips chips = fleet.chips(pool);
      byte[] body = json.writeValueAsBytes(chips);
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertThat(chips.nodes()).hasSize(5000).startsWith(pool + "-0000");
      assertThat(chips.states()).hasSize(5000).matches("N+");
      assertThat(chips.health()).hasSize(5000).allSatisfy(h -> assertThat(h).hasSize(8));
      assertThat(chips.health().get(7)).isEqualTo("OOOFOOOO");
      assertThat(chips.health().get(3)).isEqualTo("OWOOOOOO");
      assertThat(chips.isolations())
          .extracting(
              FleetView.Isolation::node, FleetView.Isolation::chip, FleetView.Isolation::held)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(pool + "-0007", 3, true),
              org.assertj.core.groups.Tuple.tuple(pool + "-0107", -1, false));
      assertThat(body.length).as("bytes for 40,000 chips").isLessThan(200_000);
      System.out.printf(
          "dashboard chips of 5,000 nodes x 8 chips: %d bytes, %d ms (first read %d ms)%n",
          body.length, millis, coldMillis);
    } finally {
      jdbc.sql("DELETE FROM isolations WHERE pool = :pool").param("pool", pool).update();
      jdbc.sql("DELETE FROM nodes WHERE pool = :pool").param("pool", pool).update();
    }
  }

  @Test
  void aPoolsChipsOverHttpAndUnknownPoolsAreProblems() {
    Api member = admin.as(token(teamA, "member"));
    JsonNode chips = member.get("/api/v1/dashboard/pools/ascend-910b/chips").json();
    List<String> nodes = new ArrayList<>();
    chips.get("nodes").forEach(n -> nodes.add(n.asString()));
    assertThat(nodes).contains("ascend-910b-0", "ascend-910b-3").isSorted();
    assertThat(chips.get("states").asString()).hasSize(nodes.size());
    member.get("/api/v1/dashboard/pools/no-such-pool/chips").problem(404, "not-found");
    admin.as(null).get("/api/v1/dashboard/pools/ascend-910b/chips").problem(401, "unauthorized");
  }

  @Test
  void theOverviewCountsTheCallersTeamsJobsAndShowsOnlyTheirEvents() {
    String job = admin.submitJob(aSpec().with("team", teamA).json());
    Api a = admin.as(token(teamA, "viewer"));
    Api b = admin.as(token(teamB, "member"));

    JsonNode seenByA = a.get("/api/v1/dashboard/overview?events=100").json();
    JsonNode poolA = pool(seenByA, "ascend-910b");
    assertThat(poolA.at("/jobs/QUEUED").asInt()).isEqualTo(1);
    assertThat(poolA.at("/capacity/chipsTotal").asInt()).isPositive();
    assertThat(seenByA.get("events").toString()).contains(job);

    JsonNode seenByB = b.get("/api/v1/dashboard/overview?events=100").json();
    assertThat(pool(seenByB, "ascend-910b").at("/jobs/QUEUED").asInt()).isZero();
    assertThat(seenByB.get("events").toString()).doesNotContain(job).doesNotContain(teamA);
    assertThat(admin.get("/api/v1/dashboard/overview?events=100").json().get("events").toString())
        .contains(job);
    b.get("/api/v1/dashboard/overview?events=0").problem(400, "invalid-parameter");
  }

  @Test
  void theOverviewShowsTheCallersTeamsChipSecondsSinceYesterdayFromTheLedger() {
    // A job of team A held 8 chips for 60 s, ending 40 s ago, in a pool no scheduler serves.
    String pool = "overview-" + UUID.randomUUID().toString().substring(0, 8);
    UUID job = UUID.randomUUID();
    java.time.OffsetDateTime start =
        java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(100);
    if (!start.toLocalDate().equals(start.plusSeconds(100).toLocalDate())) {
      start = start.minusSeconds(200);
    }
    jdbc.sql(
            """
            INSERT INTO jobs (id, name, team, pool, priority, spec, state, reason, created_at,
                              updated_at, queued_at)
            VALUES (:id, 'overview', :team, :pool, 0, '{}'::jsonb, 'QUEUED', 'submitted',
                    :at, :at, :at)
            """)
        .param("id", job)
        .param("team", teamA)
        .param("pool", pool)
        .param("at", start)
        .update();
    jdbc.sql(
            """
            UPDATE jobs SET state = 'ADMITTED', attempt = 1, updated_at = :at,
                   placement = '[{"node":"n1","chips":[0,1,2,3,4,5,6,7]}]'
             WHERE id = :id
            """)
        .param("id", job)
        .param("at", start)
        .update();
    jdbc.sql("UPDATE jobs SET state = 'CANCELLED', updated_at = :at WHERE id = :id")
        .param("id", job)
        .param("at", start.plusSeconds(60))
        .update();

    // The overview lists configured pools; the ledger's figures of this one reach it through the
    // same service the page reads, so the pool's figures are read from the service here.
    io.baton.orchestrator.security.Caller viewer =
        new io.baton.orchestrator.security.Caller(
            "t",
            "viewer of " + teamA,
            io.baton.orchestrator.security.Caller.Kind.API_TOKEN,
            java.util.List.of(
                new io.baton.orchestrator.security.Grant(
                    teamA, io.baton.orchestrator.security.Role.VIEWER)));
    assertThat(goodput.byPool(viewer).get(pool).allocated()).isCloseTo(480, within(0.5));
    io.baton.orchestrator.security.Caller other =
        new io.baton.orchestrator.security.Caller(
            "u",
            "viewer of " + teamB,
            io.baton.orchestrator.security.Caller.Kind.API_TOKEN,
            java.util.List.of(
                new io.baton.orchestrator.security.Grant(
                    teamB, io.baton.orchestrator.security.Role.VIEWER)));
    assertThat(goodput.byPool(other)).doesNotContainKey(pool);

    JsonNode overview = admin.as(token(teamA, "viewer")).get("/api/v1/dashboard/overview").json();
    assertThat(pool(overview, "ascend-910b").at("/goodput/allocated").isNumber()).isTrue();
  }

  @Test
  void aNodesHistoryShowsFleetEventsToEveryoneAndPlatformEventsToAdminsOnly() {
    Instant now = Instant.now();
    String reason = "hist-" + UUID.randomUUID();
    events.append(
        new Event.New(
            "chip.health",
            "node/ascend-910b-3/chips/5",
            null,
            "OK",
            "FAULT",
            reason,
            "agent",
            now));
    events.append(
        Event.New.audit("fault.injected", "node/ascend-910b-3/chips/5", reason, "admin", now));
    events.append(
        new Event.New(
            "chip.health",
            "node/ascend-910b-3/chips/6",
            null,
            "OK",
            "WARNING",
            reason,
            "agent",
            now));

    Api member = admin.as(token(teamB, "member"));
    JsonNode chip5 = member.get("/api/v1/dashboard/nodes/ascend-910b-3/history?chip=5").json();
    assertThat(types(chip5, reason)).containsExactly("chip.health");
    JsonNode node = member.get("/api/v1/dashboard/nodes/ascend-910b-3/history").json();
    assertThat(types(node, reason)).containsExactly("chip.health", "chip.health");
    JsonNode asAdmin = admin.get("/api/v1/dashboard/nodes/ascend-910b-3/history?chip=5").json();
    assertThat(types(asAdmin, reason)).containsExactly("fault.injected", "chip.health");
    member.get("/api/v1/dashboard/nodes/no-such-node/history").problem(404, "not-found");
  }

  @Test
  void meShowsTheCallersGrantsAndTheConfigOffersTokenLoginOnly() {
    JsonNode me = admin.as(token(teamA, "maintainer")).get("/api/v1/me").json();
    assertThat(me.get("admin").asBoolean()).isFalse();
    assertThat(me.get("kind").asString()).isEqualTo("API_TOKEN");
    assertThat(me.at("/grants/0/team").asString()).isEqualTo(teamA);
    assertThat(me.at("/grants/0/role").asString()).isEqualTo("maintainer");
    assertThat(admin.get("/api/v1/me").json().get("admin").asBoolean()).isTrue();
    assertThat(admin.as(null).get("/api/v1/dashboard/config").json().get("oidc").isNull()).isTrue();
  }

  private static JsonNode pool(JsonNode overview, String name) {
    for (JsonNode p : overview.get("pools")) {
      if (p.get("name").asString().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no pool " + name + " in " + overview);
  }

  private static List<String> types(JsonNode history, String reason) {
    List<String> types = new ArrayList<>();
    history
        .get("items")
        .forEach(
            e -> {
              if (reason.equals(e.get("reason").asString())) {
                types.add(e.get("type").asString());
              }
            });
    return types;
  }

  private String token(String team, String role) {
    return admin
        .post(
            "/api/v1/tokens",
            "{\"name\":\"fv\",\"grants\":[{\"team\":\"" + team + "\",\"role\":\"" + role + "\"}]}")
        .json()
        .get("token")
        .asString();
  }
}
