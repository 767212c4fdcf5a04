package io.baton.orchestrator.jobs;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.schemas.BatonSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class JobsApiIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, adminToken());
  }

  @Test
  void submitReturns201WithLocationAndAQueuedJobResource() throws Exception {
    String spec = Files.readString(Path.of("..", "examples", "jobs", "llama-finetune.json"));

    Api.Response created = api.post("/api/v1/jobs", spec);

    assertThat(created.status()).isEqualTo(201);
    JsonNode job = created.json();
    assertThat(BatonSchemas.validate(BatonSchemas.JOB, job)).isEmpty();
    assertThat(created.header("Location")).hasValue("/api/v1/jobs/" + job.get("id").asString());
    assertThat(job.get("state").asString()).isEqualTo("QUEUED");
    assertThat(job.get("restarts").asInt()).isZero();
    assertThat(job.get("spec")).isEqualTo(Api.json(spec));

    Api.Response fetched = api.get("/api/v1/jobs/" + job.get("id").asString());
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.json()).isEqualTo(job);
  }

  @Test
  void secretEnvValuesAreNeverShownBackOnlyTheirNames() {
    String secret = "wandb-" + UUID.randomUUID();
    String team = "sec-" + UUID.randomUUID().toString().substring(0, 8);
    String spec =
        aSpec()
            .with("team", team)
            .with("env", java.util.Map.of("WANDB_API_KEY", secret, "LR", "0.1"))
            .with("secretEnv", List.of("WANDB_API_KEY"))
            .json();

    Api.Response created = api.post("/api/v1/jobs", spec, "Idempotency-Key", "secret-" + team);
    String id = created.json().get("id").asString();
    List<Api.Response> responses =
        List.of(
            created,
            api.post("/api/v1/jobs", spec, "Idempotency-Key", "secret-" + team),
            api.get("/api/v1/jobs/" + id),
            api.get("/api/v1/jobs?team=" + team),
            api.get("/api/v1/jobs/" + id + "/events"),
            api.post("/api/v1/jobs/" + id + "/cancel", ""),
            api.get("/api/v1/events?after=0&limit=500"));

    for (Api.Response response : responses) {
      assertThat(response.body()).as(response.raw().uri().toString()).doesNotContain(secret);
    }
    JsonNode shown = api.get("/api/v1/jobs/" + id).json();
    assertThat(shown.at("/spec/env/WANDB_API_KEY").asString()).isEqualTo(JobSpec.MASK);
    assertThat(shown.at("/spec/env/LR").asString()).isEqualTo("0.1");
    assertThat(shown.at("/spec/secretEnv/0").asString()).isEqualTo("WANDB_API_KEY");
    assertThat(BatonSchemas.validate(BatonSchemas.JOB, shown)).isEmpty();
    assertThat(
            jdbc.sql("SELECT spec ->> 'env' FROM jobs WHERE id = :id")
                .param("id", UUID.fromString(id))
                .query(String.class)
                .single())
        .as("the runner still has the value to launch with")
        .contains(secret);
  }

  @Test
  void secretEnvNamingNoEnvEntryIs422NamingIt() {
    JsonNode problem =
        api.post(
                "/api/v1/jobs",
                aSpec()
                    .with("env", java.util.Map.of("A", "1"))
                    .with("secretEnv", List.of("A", "B"))
                    .json())
            .problem(422, "job-spec-rejected");

    assertThat(problem.at("/errors/0/field").asString()).isEqualTo("secretEnv[1]");
  }

  @Test
  void aCheckpointDirOutsideTheJobsOwnDirectoryIs422NamingTheField() {
    for (String escaping : List.of("/etc", "../other-job", "run/../../../nodes")) {
      JsonNode problem =
          api.post(
                  "/api/v1/jobs",
                  aSpec().with("checkpoint", java.util.Map.of("dir", escaping)).json())
              .problem(422, "job-spec-rejected");

      assertThat(problem.at("/errors/0/field").asString()).as(escaping).isEqualTo("checkpoint.dir");
    }
    assertThat(
            api.post(
                    "/api/v1/jobs",
                    aSpec().with("checkpoint", java.util.Map.of("dir", "run-1")).json())
                .status())
        .isEqualTo(201);
  }

  @Test
  void aHangTimeoutIsAnIsoDurationFromOneSecondToSevenDays() {
    JsonNode job = api.post("/api/v1/jobs", aSpec().with("hangTimeout", "PT90S").json()).json();

    assertThat(job.at("/spec/hangTimeout").asString()).isEqualTo("PT90S");
    assertThat(job.hasNonNull("hangTimeout")).as("no step clock while QUEUED").isFalse();
    for (String malformed : List.of("10m", "PT-5S", "P1W", "pt5s")) {
      JsonNode problem =
          api.post("/api/v1/jobs", aSpec().with("hangTimeout", malformed).json())
              .problem(400, "invalid-job-spec");
      assertThat(problem.at("/errors/0/field").asString()).as(malformed).isEqualTo("hangTimeout");
    }
    for (String outOfRange : List.of("P", "PT", "PT0.5S", "P8D")) {
      JsonNode problem =
          api.post("/api/v1/jobs", aSpec().with("hangTimeout", outOfRange).json())
              .problem(422, "job-spec-rejected");
      assertThat(problem.at("/errors/0/field").asString()).as(outOfRange).isEqualTo("hangTimeout");
    }
  }

  @Test
  void defaultsAreAppliedAndShown() {
    JsonNode job = api.post("/api/v1/jobs", aSpec().without("nodes").json()).json();

    assertThat(job.at("/spec/nodes").asInt()).isEqualTo(1);
    assertThat(job.at("/spec/priority").asInt()).isZero();
    assertThat(job.at("/spec/maxRestarts").asInt()).isEqualTo(3);
  }

  @Test
  void listIsNewestFirstPagedByOpaqueCursorAndFiltered() {
    String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      submitted.add(
          api.post("/api/v1/jobs", aSpec().with("team", team).json()).json().get("id").asString());
    }

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      String query =
          "/api/v1/jobs?team=" + team + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonNode page = api.get(query).json();
      page.get("items").forEach(j -> seen.add(j.get("id").asString()));
      assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
    } while (cursor != null);

    java.util.Collections.reverse(submitted);
    assertThat(seen).containsExactlyElementsOf(submitted);
  }

  @Test
  void filtersByStateAndPool() {
    String team = "team-" + UUID.randomUUID().toString().substring(0, 8);
    String queued =
        api.post("/api/v1/jobs", aSpec().with("team", team).json()).json().get("id").asString();
    String cancelled =
        api.post("/api/v1/jobs", aSpec().with("team", team).json()).json().get("id").asString();
    api.post("/api/v1/jobs/" + cancelled + "/cancel", "");

    assertThat(ids(api.get("/api/v1/jobs?team=" + team + "&state=QUEUED").json()))
        .containsExactly(queued);
    assertThat(ids(api.get("/api/v1/jobs?team=" + team + "&state=CANCELLED").json()))
        .containsExactly(cancelled);
    assertThat(ids(api.get("/api/v1/jobs?team=" + team + "&pool=ascend-910b").json())).hasSize(2);
    assertThat(ids(api.get("/api/v1/jobs?team=" + team + "&pool=nvidia-h100").json())).isEmpty();
  }

  @Test
  void aTamperedOrForeignCursorIs400() {
    for (int i = 0; i < 3; i++) {
      api.post("/api/v1/jobs", aSpec().json());
    }
    String cursor = api.get("/api/v1/jobs?limit=1").json().get("nextCursor").asString();
    char last = cursor.charAt(cursor.length() - 1);
    String tampered = cursor.substring(0, cursor.length() - 1) + (last == 'A' ? 'B' : 'A');
    String payloadTampered = (cursor.charAt(0) == 'M' ? 'N' : 'M') + cursor.substring(1);

    int dot = cursor.indexOf('.');
    String macTampered =
        cursor.substring(0, dot + 1)
            + (cursor.charAt(dot + 1) == 'A' ? 'Q' : 'A')
            + cursor.substring(dot + 2);

    api.get("/api/v1/jobs?limit=1&cursor=" + tampered).problem(400, "invalid-parameter");
    api.get("/api/v1/jobs?limit=1&cursor=" + macTampered).problem(400, "invalid-parameter");
    api.get("/api/v1/jobs?limit=1&cursor=" + payloadTampered).problem(400, "invalid-parameter");
    api.get("/api/v1/jobs?limit=1&cursor=garbage").problem(400, "invalid-parameter");
    api.get("/api/v1/jobs?limit=1&state=QUEUED&cursor=" + cursor).problem(400, "invalid-parameter");
  }

  @Test
  void badListParametersAre400NamingTheParameter() {
    assertThat(
            api.get("/api/v1/jobs?limit=501")
                .problem(400, "invalid-parameter")
                .at("/errors/0/field")
                .asString())
        .isEqualTo("limit");
    assertThat(
            api.get("/api/v1/jobs?limit=0")
                .problem(400, "invalid-parameter")
                .at("/errors/0/field")
                .asString())
        .isEqualTo("limit");
    assertThat(
            api.get("/api/v1/jobs?limit=ten")
                .problem(400, "invalid-parameter")
                .at("/errors/0/field")
                .asString())
        .isEqualTo("limit");
    assertThat(
            api.get("/api/v1/jobs?state=DONE")
                .problem(400, "invalid-parameter")
                .at("/errors/0/field")
                .asString())
        .isEqualTo("state");
    assertThat(api.get("/api/v1/jobs?limit=500").status()).isEqualTo(200);
  }

  @Test
  void cancelIsIdempotentAndRecordsEveryTransition() {
    String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();

    Api.Response first = api.post("/api/v1/jobs/" + id + "/cancel", "");
    Api.Response second = api.post("/api/v1/jobs/" + id + "/cancel", "");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("state").asString()).isEqualTo("CANCELLED");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json()).isEqualTo(first.json());
    JsonNode events = api.get("/api/v1/jobs/" + id + "/events").json();
    List<String> transitions = new ArrayList<>();
    events
        .get("items")
        .forEach(
            e -> transitions.add(e.get("from").asString(null) + "->" + e.get("to").asString()));
    assertThat(transitions)
        .containsExactly("null->QUEUED", "QUEUED->CANCELLING", "CANCELLING->CANCELLED");
    JsonNode last = events.get("items").get(2);
    assertThat(last.get("actor").asString()).isEqualTo("admin");
    assertThat(last.get("reason").asString()).isNotBlank();
    assertThat(last.get("time").asString()).isNotBlank();
    assertThat(events.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void cancellingATerminalJobIs409() {
    String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = :id")
        .param("id", UUID.fromString(id))
        .update();

    JsonNode problem =
        api.post("/api/v1/jobs/" + id + "/cancel", "").problem(409, "illegal-state-change");

    assertThat(problem.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(api.get("/api/v1/jobs/" + id).json().get("state").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void jobEventsArePaged() {
    String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    api.post("/api/v1/jobs/" + id + "/cancel", "");

    JsonNode first = api.get("/api/v1/jobs/" + id + "/events?limit=2").json();
    JsonNode rest =
        api.get(
                "/api/v1/jobs/"
                    + id
                    + "/events?limit=2&cursor="
                    + first.get("nextCursor").asString())
            .json();

    assertThat(first.get("items")).hasSize(2);
    assertThat(rest.get("items")).hasSize(1);
    assertThat(rest.at("/items/0/to").asString()).isEqualTo("CANCELLED");
    api.get("/api/v1/jobs/" + id + "/events?cursor=" + first.get("nextCursor").asString() + "x")
        .problem(400, "invalid-parameter");
  }

  @Test
  void unknownAndMalformedIds() {
    api.get("/api/v1/jobs/" + UUID.randomUUID()).problem(404, "not-found");
    api.post("/api/v1/jobs/" + UUID.randomUUID() + "/cancel", "").problem(404, "not-found");
    api.get("/api/v1/jobs/" + UUID.randomUUID() + "/events").problem(404, "not-found");
    assertThat(
            api.get("/api/v1/jobs/not-a-uuid")
                .problem(400, "invalid-parameter")
                .at("/errors/0/field")
                .asString())
        .isEqualTo("id");
  }

  @Test
  void sameIdempotencyKeyAndBodyReplaysTheFirstResponse() {
    String key = UUID.randomUUID().toString();
    String body = aSpec().with("name", "idem").json();
    String reordered =
        "{ \"chipsPerNode\": 8, \"nodes\": 1, \"command\": [\"python\", \"train.py\"],"
            + " \"pool\": \"ascend-910b\", \"team\": \"vision\", \"name\": \"idem\" }";

    Api.Response first = api.post("/api/v1/jobs", body, "Idempotency-Key", key);
    Api.Response again = api.post("/api/v1/jobs", reordered, "Idempotency-Key", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).hasValue("true");
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(jobsNamed("idem")).isEqualTo(1);
  }

  @Test
  void sameIdempotencyKeyWithAnotherBodyIs422AndCreatesNothing() {
    String key = UUID.randomUUID().toString();
    api.post("/api/v1/jobs", aSpec().with("name", "idem-a").json(), "Idempotency-Key", key);

    api.post("/api/v1/jobs", aSpec().with("name", "idem-b").json(), "Idempotency-Key", key)
        .problem(422, "idempotency-key-reused");

    assertThat(jobsNamed("idem-b")).isZero();
  }

  @Test
  void idempotencyKeyOver255CharactersIs400() {
    api.post(
            "/api/v1/jobs",
            aSpec().with("name", "long-key").json(),
            "Idempotency-Key",
            "k".repeat(256))
        .problem(400, "invalid-parameter");
    assertThat(jobsNamed("long-key")).isZero();
    assertThat(
            api.post("/api/v1/jobs", aSpec().json(), "Idempotency-Key", "k".repeat(255)).status())
        .isEqualTo(201);
  }

  @Test
  void concurrentRequestsWithOneKeyCreateOneJob() throws Exception {
    String key = UUID.randomUUID().toString();
    String body = aSpec().with("name", "idem-race").json();
    List<Thread> threads = new ArrayList<>();
    Set<String> ids = java.util.Collections.synchronizedSet(new HashSet<>());
    for (int i = 0; i < 8; i++) {
      Thread t =
          new Thread(
              () ->
                  ids.add(
                      api.post("/api/v1/jobs", body, "Idempotency-Key", key)
                          .json()
                          .get("id")
                          .asString()));
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(ids).hasSize(1);
    assertThat(jobsNamed("idem-race")).isEqualTo(1);
  }

  @Test
  void idempotencyKeysOlderThanRetentionArePurged(
      @Autowired io.baton.orchestrator.idempotency.IdempotencyKeys keys) {
    String key = UUID.randomUUID().toString();
    api.post("/api/v1/jobs", aSpec().with("name", "purged").json(), "Idempotency-Key", key);
    jdbc.sql("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = :k")
        .param("k", key)
        .update();

    int purged =
        keys.purgeCreatedBefore(java.time.Instant.now().minus(java.time.Duration.ofHours(24)));

    assertThat(purged).isGreaterThanOrEqualTo(1);
    assertThat(
            jdbc.sql("SELECT count(*) FROM idempotency_keys WHERE key = :k")
                .param("k", key)
                .query(Integer.class)
                .single())
        .isZero();
  }

  private int jobsNamed(String name) {
    return jdbc.sql("SELECT count(*) FROM jobs WHERE name = :n")
        .param("n", name)
        .query(Integer.class)
        .single();
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(j -> ids.add(j.get("id").asString()));
    return ids;
  }
}
