package io.baton.orchestrator.auth;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * API tokens and the walls between teams, through the real HTTP API: who may issue what, tokens
 * refused the moment they are revoked or expire, other teams' objects that do not exist for a
 * caller, roles that see but may not act, and the audit trail of who did what.
 */
class TenantWallsIT extends IntegrationTest {

  @LocalServerPort int port;

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.jdbc.core.simple.JdbcClient jdbc;

  @org.springframework.beans.factory.annotation.Autowired
  io.baton.orchestrator.endpoints.Endpoints endpoints;

  @org.springframework.beans.factory.annotation.Autowired
  org.springframework.transaction.support.TransactionTemplate transactions;

  Api admin;

  @BeforeEach
  void client() {
    admin = new Api(port, adminToken());
  }

  /** A token with one grant, issued by the admin; returns {id, token}. */
  private JsonNode token(String team, String role) {
    String grant =
        team == null
            ? "{\"role\":\"" + role + "\"}"
            : "{\"team\":\"" + team + "\",\"role\":\"" + role + "\"}";
    Api.Response r =
        admin.post(
            "/api/v1/tokens",
            "{\"name\":\"" + role + "-" + team + "\",\"grants\":[" + grant + "]}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private Api as(JsonNode token) {
    return admin.as(token.get("token").asString());
  }

  private static String team() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void anIssuedTokenIsShownOnceWithAPrefixAndListedWithoutItsSecret() {
    String team = team();
    JsonNode issued = token(team, "maintainer");
    assertThat(issued.get("token").asString()).startsWith("bpat_");
    assertThat(issued.get("grants").get(0).get("team").asString()).isEqualTo(team);

    Api.Response listed = as(issued).get("/api/v1/tokens?limit=500");
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).doesNotContain(issued.get("token").asString());
    JsonNode mine =
        listed
            .json()
            .get("items")
            .valueStream()
            .filter(t -> t.get("id").asString().equals(issued.get("id").asString()))
            .findFirst()
            .orElseThrow();
    assertThat(mine.get("lastUsedAt").isNull()).isFalse();
  }

  @Test
  void aMaintainerIssuesOnlyGrantsItHoldsItself() {
    String team = team();
    Api maintainer = as(token(team, "maintainer"));

    Api.Response narrower =
        maintainer.post(
            "/api/v1/tokens",
            "{\"name\":\"ci\",\"grants\":[{\"team\":\"" + team + "\",\"role\":\"member\"}]}");
    assertThat(narrower.status()).isEqualTo(201);

    maintainer
        .post(
            "/api/v1/tokens",
            "{\"name\":\"x\",\"grants\":[{\"team\":\"" + team() + "\",\"role\":\"viewer\"}]}")
        .problem(403, "forbidden");
    maintainer
        .post("/api/v1/tokens", "{\"name\":\"x\",\"grants\":[{\"role\":\"admin\"}]}")
        .problem(403, "forbidden");
    as(token(team, "member"))
        .post(
            "/api/v1/tokens",
            "{\"name\":\"x\",\"grants\":[{\"team\":\"" + team + "\",\"role\":\"viewer\"}]}")
        .problem(403, "forbidden");
  }

  @Test
  void aRevokedTokenIsRefusedAtOnce() {
    JsonNode issued = token(team(), "viewer");
    Api viewer = as(issued);
    assertThat(viewer.get("/api/v1/jobs").status()).isEqualTo(200);

    Api.Response revoked =
        admin.send(
            HttpRequest.newBuilder(admin.uri("/api/v1/tokens/" + issued.get("id").asString()))
                .DELETE());
    assertThat(revoked.status()).isEqualTo(204);

    viewer.get("/api/v1/jobs").problem(401, "unauthorized");
    assertThat(viewer.get("/api/v1/jobs").header("WWW-Authenticate"))
        .hasValue("Bearer realm=\"baton\"");
  }

  @Test
  void anExpiredTokenIsRefusedAndAnExpiryInThePastIsNotIssued() throws Exception {
    String soon = java.time.Instant.now().plusSeconds(2).toString();
    Api.Response issued =
        admin.post(
            "/api/v1/tokens",
            "{\"name\":\"short\",\"expiresAt\":\""
                + soon
                + "\",\"grants\":[{\"team\":\"a\",\"role\":\"viewer\"}]}");
    assertThat(issued.status()).isEqualTo(201);
    Api shortLived = admin.as(issued.json().get("token").asString());
    assertThat(shortLived.get("/api/v1/jobs").status()).isEqualTo(200);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> shortLived.get("/api/v1/jobs").status() == 401);

    admin
        .post(
            "/api/v1/tokens",
            "{\"name\":\"past\",\"expiresAt\":\"2020-01-01T00:00:00Z\","
                + "\"grants\":[{\"team\":\"a\",\"role\":\"viewer\"}]}")
        .problem(422, "invalid-token-request");
  }

  @Test
  void everyUserRouteNeedsATokenAndUnknownTokensAreRefused() {
    Api anonymous = admin.as(null);
    anonymous.get("/api/v1/jobs").problem(401, "unauthorized");
    admin.as("bpat_nope").get("/api/v1/jobs").problem(401, "unauthorized");
    admin.as("not-a-baton-token").get("/api/v1/jobs").problem(401, "unauthorized");
    assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
    assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(200);
    assertThat(admin.get("/actuator/prometheus").body())
        .contains("baton_auth_failures_total{")
        .contains("reason=\"unknown-token\"");
  }

  @Test
  void aCallerSubmitsOnlyToItsTeamAndWithinItsPriorityCeiling() {
    String team = team();
    Api member = as(token(team, "member"));
    Api viewer = as(token(team, "viewer"));

    assertThat(member.post("/api/v1/jobs", aSpec().with("team", team).json()).status())
        .isEqualTo(201);
    member.post("/api/v1/jobs", aSpec().with("team", team()).json()).problem(403, "forbidden");
    viewer.post("/api/v1/jobs", aSpec().with("team", team).json()).problem(403, "forbidden");
    JsonNode tooHigh =
        member
            .post("/api/v1/jobs", aSpec().with("team", team).with("priority", 101).json())
            .problem(422, "job-spec-rejected");
    assertThat(tooHigh.get("errors").get(0).get("field").asString()).isEqualTo("priority");
    assertThat(
            admin
                .post("/api/v1/jobs", aSpec().with("team", team).with("priority", 900).json())
                .status())
        .isEqualTo(201);
  }

  @Test
  void teamPoliciesSetTheCeilingAndMayHideEveryEnvValue() {
    Api urgent = as(token("urgent", "member"));
    assertThat(
            urgent
                .post("/api/v1/jobs", aSpec().with("team", "urgent").with("priority", 500).json())
                .status())
        .isEqualTo(201);
    urgent
        .post("/api/v1/jobs", aSpec().with("team", "urgent").with("priority", 501).json())
        .problem(422, "job-spec-rejected");

    Api secretive = as(token("secretive", "member"));
    JsonNode job =
        secretive
            .post(
                "/api/v1/jobs",
                aSpec()
                    .with("team", "secretive")
                    .with("env", java.util.Map.of("WANDB_PROJECT", "p1", "HF_TOKEN", "hf_x"))
                    .json())
            .json();
    String shown = admin.get("/api/v1/jobs/" + job.get("id").asString()).body();
    assertThat(job.toString()).doesNotContain("hf_x").doesNotContain("p1");
    assertThat(shown).doesNotContain("hf_x").doesNotContain("\"p1\"").contains("WANDB_PROJECT");
  }

  @Test
  void anotherTeamsJobDoesNotExistForACallerAndViewersMayNotCancel() {
    String teamA = team();
    String teamB = team();
    Api memberA = as(token(teamA, "member"));
    Api viewerA = as(token(teamA, "viewer"));
    Api memberB = as(token(teamB, "member"));
    String id =
        memberA
            .post("/api/v1/jobs", aSpec().with("team", teamA).json())
            .json()
            .get("id")
            .asString();

    for (String path :
        List.of(
            "/api/v1/jobs/" + id,
            "/api/v1/jobs/" + id + "/progress",
            "/api/v1/jobs/" + id + "/events",
            "/api/v1/jobs/" + id + "/logs")) {
      memberB.get(path).problem(404, "not-found");
      assertThat(viewerA.get(path).status()).as(path).isNotEqualTo(404);
    }
    memberB.post("/api/v1/jobs/" + id + "/cancel", "").problem(404, "not-found");
    viewerA.post("/api/v1/jobs/" + id + "/cancel", "").problem(403, "forbidden");
    assertThat(admin.get("/api/v1/jobs/" + id).json().get("state").asString()).isEqualTo("QUEUED");
    assertThat(memberA.post("/api/v1/jobs/" + id + "/cancel", "").status()).isEqualTo(200);

    assertThat(ids(memberB.get("/api/v1/jobs?limit=500").json())).doesNotContain(id);
    assertThat(ids(viewerA.get("/api/v1/jobs?limit=500").json())).contains(id);
    assertThat(ids(memberB.get("/api/v1/jobs?team=" + teamA).json())).isEmpty();
  }

  @Test
  void theEventFeedCarriesOnlyWhatTheCallerMaySee() {
    String teamA = team();
    Api memberA = as(token(teamA, "member"));
    Api memberB = as(token(team(), "member"));
    String before =
        memberA
            .post("/api/v1/jobs", aSpec().with("team", teamA).json())
            .json()
            .get("id")
            .asString();
    long mark =
        admin
            .get("/api/v1/jobs/" + before + "/events")
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asLong();
    String id =
        memberA
            .post("/api/v1/jobs", aSpec().with("team", teamA).json())
            .json()
            .get("id")
            .asString();
    String from = "/api/v1/events?limit=500&after=" + mark;

    assertThat(jobIds(memberA.get(from), id)).isNotEmpty();
    assertThat(jobIds(memberB.get(from), id)).isEmpty();
    for (JsonNode e : memberB.get(from).json().get("items")) {
      if (!e.get("team").isNull()) {
        assertThat(e.get("team").asString()).isNotEqualTo(teamA);
      } else {
        assertThat(e.get("type").asString()).matches("(node|chip)\\..*");
      }
    }
  }

  @Test
  void theAuditTrailSaysWhoDidWhatAndIsForAdminsOnly() {
    String team = team();
    JsonNode issued = token(team, "member");
    Api member = as(issued);
    String id =
        member.post("/api/v1/jobs", aSpec().with("team", team).json()).json().get("id").asString();
    String actor = "token:" + issued.get("id").asString();

    JsonNode trail = admin.get("/api/v1/audit?limit=500&actor=" + actor).json();
    assertThat(trail.get("items").valueStream().map(e -> e.get("subject").asString()))
        .contains("job/" + id);
    assertThat(trail.get("items").get(0).get("actor").asString())
        .isEqualTo(actor + ":" + issued.get("name").asString());
    JsonNode tokens = admin.get("/api/v1/audit?limit=500&type=token.*").json();
    assertThat(tokens.get("items").valueStream().map(e -> e.get("subject").asString()))
        .contains("token/" + issued.get("id").asString());

    member.get("/api/v1/audit").problem(403, "forbidden");
  }

  @Test
  void adminRoutesAreForAdminsAndNodeTokensOpenNoUserRoute() {
    Api maintainer = as(token(team(), "maintainer"));
    maintainer.post("/api/v1/admin/scheduler/rounds", "").problem(403, "forbidden");
    maintainer
        .post("/api/v1/simulation/faults", "{\"node\":\"x\",\"chip\":0,\"health\":\"OK\"}")
        .problem(403, "forbidden");
    JsonNode node =
        admin.post("/api/v1/admin/nodes/walls-node-1/tokens", "{\"pool\":\"ascend-910b\"}").json();
    admin.as(node.get("token").asString()).get("/api/v1/jobs").problem(403, "forbidden");
  }

  @Test
  void aCheckpointCannotBePromotedToAnotherTeamsEndpoint() {
    String teamA = team();
    String teamB = team();
    Api memberA = as(token(teamA, "member"));
    String job =
        memberA
            .post("/api/v1/jobs", aSpec().with("team", teamA).json())
            .json()
            .get("id")
            .asString();
    java.time.OffsetDateTime now = java.time.OffsetDateTime.now();
    String checkpoint = UUID.randomUUID().toString();
    jdbc.sql(
            """
            INSERT INTO checkpoints (id, job_id, step, path, rank, reported_at, data)
            VALUES (CAST(:id AS uuid), CAST(:job AS uuid), 100, 'step-100/model.bin', 0, :now, '{}')
            """)
        .param("id", checkpoint)
        .param("job", job)
        .param("now", now)
        .update();
    String endpoint = "walls-" + teamB;
    jdbc.sql(
            """
            INSERT INTO endpoints (name, pool, state, desired_replicas, created_at, updated_at, team)
            VALUES (:name, 'nvidia-h100', 'EMPTY', 1, :now, :now, :team)
            """)
        .param("name", endpoint)
        .param("now", now)
        .param("team", teamB)
        .update();

    memberA
        .post(
            "/api/v1/promotions",
            "{\"checkpointId\":\"" + checkpoint + "\",\"endpoint\":\"" + endpoint + "\"}")
        .problem(403, "forbidden");
    memberA.get("/api/v1/endpoints/" + endpoint).problem(404, "not-found");
    assertThat(
            jdbc.sql("SELECT count(*) FROM promotions WHERE endpoint = :e")
                .param("e", endpoint)
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  void aTokenLivesNoLongerThanTheTokenThatIssuedItAndExpiriesStayInRange() {
    String team = team();
    String soon =
        java.time.Instant.now()
            .plusSeconds(3600)
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
    Api.Response parent =
        admin.post(
            "/api/v1/tokens",
            "{\"name\":\"parent\",\"expiresAt\":\""
                + soon
                + "\",\"grants\":[{\"team\":\""
                + team
                + "\",\"role\":\"maintainer\"}]}");
    Api maintainer = admin.as(parent.json().get("token").asString());
    JsonNode child =
        maintainer
            .post(
                "/api/v1/tokens",
                "{\"name\":\"child\",\"grants\":[{\"team\":\"" + team + "\",\"role\":\"viewer\"}]}")
            .json();
    assertThat(java.time.Instant.parse(child.get("expiresAt").asString()))
        .isEqualTo(java.time.Instant.parse(soon));

    admin
        .post(
            "/api/v1/tokens",
            "{\"name\":\"x\",\"expiresAt\":\"+1000000000-01-01T00:00:00Z\","
                + "\"grants\":[{\"team\":\"a\",\"role\":\"viewer\"}]}")
        .problem(400, "invalid-parameter");
  }

  @Test
  void aRolloutOntoAnotherTeamsEndpointIsRefusedUnderTheEndpointsLock() {
    String endpoint = "owned-" + team();
    String owner = team();
    jdbc.sql(
            """
            INSERT INTO endpoints (name, pool, state, desired_replicas, created_at, updated_at, team)
            VALUES (:name, 'nvidia-h100', 'EMPTY', 1, now(), now(), :team)
            """)
        .param("name", endpoint)
        .param("team", owner)
        .update();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                transactions.executeWithoutResult(
                    status ->
                        endpoints.promote(
                            endpoint,
                            "nvidia-h100",
                            1,
                            team(),
                            new io.baton.orchestrator.endpoints.Endpoints.NewRevision(
                                UUID.randomUUID(),
                                UUID.randomUUID(),
                                UUID.randomUUID(),
                                "x",
                                null,
                                null,
                                null),
                            new io.baton.orchestrator.endpoints.Endpoints.RolloutPolicy(
                                java.time.Duration.ofSeconds(1), 0, 0),
                            "test")))
        .isInstanceOf(io.baton.orchestrator.endpoints.EndpointOwnedByAnotherTeamException.class);
    assertThat(
            jdbc.sql("SELECT count(*) FROM endpoint_revisions WHERE endpoint = :e")
                .param("e", endpoint)
                .query(Long.class)
                .single())
        .isZero();
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(j -> ids.add(j.get("id").asString()));
    return ids;
  }

  private static List<JsonNode> jobIds(Api.Response feed, String jobId) {
    assertThat(feed.status()).isEqualTo(200);
    return feed.json()
        .get("items")
        .valueStream()
        .filter(e -> jobId.equals(e.get("jobId").asString(null)))
        .toList();
  }
}
