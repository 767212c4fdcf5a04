package io.baton.orchestrator.ingest;

import static io.baton.orchestrator.support.Reports.aReport;
import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobState;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.Eventually;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.Reports;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

class IngestApiIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired JobLifecycle lifecycle;
  @Autowired JobService jobs;
  @Autowired MeterRegistry meters;
  @Autowired io.baton.orchestrator.pools.NodeRepository nodes;
  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, adminToken());
  }

  @Test
  void aReportBringsTheNodeAndItsChipsUp() {
    Node node = aNode("ascend-910b");

    Api.Response ack = report(node, aReport(node.name()).chip(3, "WARNING").seq(0));

    assertThat(ack.status()).isEqualTo(200);
    assertThat(ack.json().get("applied").asBoolean()).isTrue();
    JsonNode got = api.get("/api/v1/nodes/" + node.name()).json();
    assertThat(got.get("state").asString()).isEqualTo("READY");
    assertThat(got.get("health").asString()).isEqualTo("WARNING");
    assertThat(got.get("pool").asString()).isEqualTo("ascend-910b");
    assertThat(got.get("lastReportAt").asString()).isNotBlank();
    assertThat(got.get("chips")).hasSize(8);
    assertThat(got.at("/chips/3/health").asString()).isEqualTo("WARNING");
    assertThat(got.at("/chips/0/powerW").asDouble()).isEqualTo(90.5);
    assertThat(got.at("/chips/0/memoryTotalMb").asInt()).isEqualTo(65536);
    assertThat(got.at("/chipCounts/warning").asInt()).isEqualTo(1);
    assertThat(got.at("/chipCounts/ok").asInt()).isEqualTo(7);
  }

  @Test
  void chipsKeepTheirLinksAsReportedAndADownLinkShowsWithoutChangingHealth() {
    Node node = aNode("ascend-910b");
    Reports withLinks = aReport(node.name());
    for (int i = 0; i < 8; i++) {
      withLinks
          .link(i, "roce", i == 5 ? "DOWN" : "UP", java.util.Map.of())
          .link(i, "net-health", i == 6 ? "UNKNOWN" : "UP", java.util.Map.of());
    }
    withLinks.link(5, "nvlink-3", "UP", java.util.Map.of("crc", 891L));

    Api.Response ack = report(node, withLinks);

    assertThat(ack.status()).isEqualTo(200);
    JsonNode got = api.get("/api/v1/nodes/" + node.name()).json();
    assertThat(got.get("health").asString()).isEqualTo("OK");
    assertThat(got.at("/chips/5/health").asString()).isEqualTo("OK");
    assertThat(got.at("/chips/5/links").toString())
        .isEqualTo(
            "[{\"name\":\"roce\",\"state\":\"DOWN\"},{\"name\":\"net-health\",\"state\":\"UP\"},"
                + "{\"name\":\"nvlink-3\",\"state\":\"UP\",\"errors\":{\"crc\":891}}]");
    assertThat(got.at("/chips/6/links/1/state").asString()).isEqualTo("UNKNOWN");
    assertThat(nodes.find(node.name()).orElseThrow().chipsWithLinkDown()).containsExactly(5);

    report(node, aReport(node.name()).seq(1));

    assertThat(api.get("/api/v1/nodes/" + node.name()).json().at("/chips/5").has("links"))
        .isFalse();
    assertThat(nodes.find(node.name()).orElseThrow().chipsWithLinkDown()).isEmpty();
  }

  @Test
  void aBrokenLinkIsRefusedNamingTheField() {
    Node node = aNode("ascend-910b");

    JsonNode problem =
        report(node, aReport(node.name()).link(2, "roce", "FLAPPING", java.util.Map.of()))
            .problem(400, "invalid-report");

    assertThat(problem.at("/errors/0/field").asString()).isEqualTo("chips[2].links[0].state");
  }

  @Test
  void aReplayedReportIsAcknowledgedAndIgnored() {
    Node node = aNode("ascend-910b");
    UUID job = aJobOn(node);
    Reports first = aReport(node.name()).seq(5).progress(job, 10, 0.9);
    report(node, first);

    Api.Response replay = report(node, first);
    Api.Response older =
        report(node, aReport(node.name()).boot(first.bootId()).seq(4).progress(job, 11, 0.8));

    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.json().get("applied").asBoolean()).isFalse();
    assertThat(older.json().get("applied").asBoolean()).isFalse();
    assertThat(api.get("/api/v1/jobs/" + job + "/progress").json().get("points")).hasSize(1);
    assertThat(api.get("/api/v1/nodes/" + node.name()).json().get("lastSeq").asLong()).isEqualTo(5);
  }

  @Test
  void aNewBootStartsItsSeqAfresh() {
    Node node = aNode("ascend-910b");
    report(node, aReport(node.name()).seq(40));

    Api.Response rebooted = report(node, aReport(node.name()).seq(0));

    assertThat(rebooted.json().get("applied").asBoolean()).isTrue();
  }

  @Test
  void aTokenReportsOnlyForItsOwnNode() {
    Node mine = aNode("ascend-910b");
    Node other = aNode("ascend-910b");

    double before = refused("other-node", "report");

    Api.Response spoofed = report(mine, aReport(other.name()));

    spoofed.problem(403, "forbidden");
    assertThat(refused("other-node", "report")).isEqualTo(before + 1);
    assertThat(api.get("/api/v1/nodes/" + other.name()).json().get("state").asString())
        .isEqualTo("NEW");
  }

  @Test
  void unknownMissingAndRevokedTokensAre401() {
    Node node = aNode("ascend-910b");
    String body = aReport(node.name()).json();

    Api.Response unknown =
        api.post("/api/v1/agents/reports", body, "Authorization", "Bearer bnt_not-a-token");
    Api.Response missing = api.post("/api/v1/agents/reports", body);
    Api.Response basic = api.post("/api/v1/agents/reports", body, "Authorization", "Basic abc");
    api.send(
            java.net.http.HttpRequest.newBuilder(
                    api.uri("/api/v1/admin/nodes/" + node.name() + "/tokens/" + node.tokenId()))
                .header("Authorization", "Bearer " + adminToken())
                .DELETE())
        .raw();
    Api.Response revoked = report(node, aReport(node.name()));

    unknown.problem(401, "unauthorized");
    missing.problem(401, "unauthorized");
    basic.problem(401, "unauthorized");
    revoked.problem(401, "unauthorized");
    assertThat(unknown.header("WWW-Authenticate"))
        .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
  }

  @Test
  void aTokenRevokedElsewhereIsRefusedWithinTheCacheTtl() {
    Node node = aNode("ascend-910b");
    assertThat(report(node, aReport(node.name()).seq(0)).status()).isEqualTo(200);

    // Another replica revokes it: this one learns it from the database, not from the revocation.
    jdbc.update("UPDATE node_tokens SET revoked_at = now() WHERE id = ?::uuid", node.tokenId());

    long revoked = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> report(node, aReport(node.name()).seq(1)).problem(401, "unauthorized"));
    // The TTL is 2 s in these tests; cached tokens are checked in bulk every second.
    assertThat(Duration.ofNanos(System.nanoTime() - revoked)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aValidTokenStaysTrustedAcrossChecks() {
    Node node = aNode("ascend-910b");
    Instant until = Instant.now().plusSeconds(3);
    long seq = 0;
    while (Instant.now().isBefore(until)) {
      assertThat(report(node, aReport(node.name()).seq(seq++)).status()).isEqualTo(200);
    }
    assertThat(seq).isGreaterThan(3);
  }

  @Test
  void oversizedReportsAreRefused() {
    Node node = aNode("ascend-910b");
    UUID job = aJob();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 10_001; i++) {
      lines
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"progress\",\"step\":")
          .append(i)
          .append(",\"jobId\":\"j\",\"rank\":0,\"time\":\"2026-01-01T00:00:00Z\"}");
    }
    String tooManyProgress =
        aReport(node.name()).json().replace("\"progress\":[]", "\"progress\":[" + lines + "]");
    assertThat(tooManyProgress.length()).isLessThan(1024 * 1024);

    report(node, aReport(node.name()).chips(65)).problem(400, "invalid-report");
    JsonNode progressProblem =
        api.post(
                "/api/v1/agents/reports",
                tooManyProgress,
                "Authorization",
                "Bearer " + node.token())
            .problem(400, "invalid-report");
    String huge =
        aReport(node.name()).json().replaceFirst("\\{", "{" + " ".repeat(1024 * 1024 + 1));
    api.post("/api/v1/agents/reports", huge, "Authorization", "Bearer " + node.token())
        .problem(413, "payload-too-large");

    assertThat(progressProblem.at("/errors/0/field").asString()).isEqualTo("progress");
    assertThat(api.get("/api/v1/nodes/" + node.name()).json().get("state").asString())
        .isEqualTo("NEW");
    assertThat(api.get("/api/v1/jobs/" + job + "/progress").json().get("points")).isEmpty();
  }

  @Test
  void malformedReportsAre400NamingTheField() {
    Node node = aNode("ascend-910b");

    JsonNode problem =
        report(node, aReport(node.name()).chip(2, "BROKEN")).problem(400, "invalid-report");
    report(node, aReport(node.name()).seq(-1)).problem(400, "invalid-report");
    api.post("/api/v1/agents/reports", "{not json", "Authorization", "Bearer " + node.token())
        .problem(400, "malformed-json");

    assertThat(problem.at("/errors/0/field").asString()).isEqualTo("chips[2].health");
    JsonNode notAUuid =
        report(node, aReport(node.name()).boot("zzz")).problem(400, "invalid-report");
    assertThat(notAUuid.at("/errors/0/field").asString()).isEqualTo("bootId");
  }

  @Test
  void theReportPathAnswersWrongMethodsTypesAndBodiesWithProblems() throws Exception {
    Node node = aNode("ascend-910b");
    String path = "/api/v1/agents/reports";

    Api.Response get = api.get(path);
    JsonNode wrongMethod = get.problem(405, "method-not-allowed");
    assertThat(get.header("Allow")).contains("POST");
    assertThat(wrongMethod.get("instance").asString()).isEqualTo(path);
    api.send(
            java.net.http.HttpRequest.newBuilder(api.uri(path))
                .header("Authorization", "Bearer " + node.token())
                .header("Content-Type", "text/plain")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(aReport(node.name()).json())))
        .problem(415, "unsupported-media-type");
    api.post(path, "", "Authorization", "Bearer " + node.token()).problem(400, "malformed-json");
    JsonNode malformed =
        api.post(path, "{\"node\": ", "Authorization", "Bearer " + node.token())
            .problem(400, "malformed-json");
    assertThat(malformed.get("detail").asString()).contains("line 1");
    // Nothing is parsed for a caller without a token.
    api.post(path, "{not json").problem(401, "unauthorized");

    Api.Response ok = report(node, aReport(node.name()).seq(0));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("Content-Type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    assertThat(ok.json().get("applied").asBoolean()).isTrue();
    assertThat(ok.json().get("node").asString()).isEqualTo(node.name());
    // The hot path still counts in the request metrics, under its own URI, with the same tags as
    // every other request.
    assertThat(api.get("/actuator/metrics/http.server.requests?tag=uri:" + path).status())
        .isEqualTo(200);
    api.get("/api/v1/pools");
    String scrape = api.get("/actuator/prometheus").body();
    assertThat(labelKeys(scrape, "uri=\"" + path + "\"", "status=\"200\""))
        .isNotEmpty()
        .isEqualTo(labelKeys(scrape, "uri=\"/api/v1/pools\"", "status=\"200\""));
  }

  @Test
  void progressBecomesASeriesInStepOrderAndTheJobShowsTheLatest() {
    Node node = aNode("ascend-910b");
    UUID job = aJobOn(node);

    report(node, aReport(node.name()).seq(0).progress(job, 20, 0.7).progress(job, 10, 0.9));
    report(node, aReport(node.name()).seq(1).progress(job, 30, 0.5).checkpoint(job, 30));

    JsonNode points = api.get("/api/v1/jobs/" + job + "/progress").json().get("points");
    List<Long> steps = new ArrayList<>();
    points.forEach(p -> steps.add(p.get("step").asLong()));
    assertThat(steps).containsExactly(10L, 20L, 30L);
    assertThat(points.get(2).get("loss").asDouble()).isEqualTo(0.5);
    assertThat(points.get(2).get("time").asString()).isNotBlank();
    assertThat(points.get(2).at("/metrics/lr").asDouble()).isEqualTo(0.001);
    JsonNode resource = api.get("/api/v1/jobs/" + job).json();
    assertThat(resource.at("/progress/step").asLong()).isEqualTo(30);
    assertThat(resource.at("/progress/loss").asDouble()).isEqualTo(0.5);
    assertThat(resource.at("/latestCheckpoint/step").asLong()).isEqualTo(30);
    assertThat(resource.at("/latestCheckpoint/uri").asString()).isEqualTo("step-30");
    assertThat(resource.at("/latestCheckpoint/sha256").asString()).hasSize(64);
    assertThat(eventsOf(job)).contains("checkpoint.reported");
  }

  @Test
  void stepTimesJoinTheSeriesAndAStartedJobShowsItsStepClock() {
    Node node = aNode("ascend-910b");
    UUID job = aJobOn(node);
    move(job, JobState.STARTING);
    JsonNode starting = api.get("/api/v1/jobs/" + job).json();
    Instant readAt =
        Instant.now().minusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

    report(
        node,
        aReport(node.name())
            .seq(0)
            .progress(job, 1, 0, 9, 1.0)
            .readAt(readAt.minusMillis(160))
            .progress(job, 1, 0, 10, 0.9)
            .timed(80.5, 61.0)
            .readAt(readAt.minusMillis(80))
            .progress(job, 1, 0, 11, 0.8)
            .timed(79.5, 60.0)
            .readAt(readAt));
    move(job, JobState.RUNNING);
    JsonNode running = api.get("/api/v1/jobs/" + job).json();
    JsonNode points = api.get("/api/v1/jobs/" + job + "/progress").json().get("points");

    assertThat(starting.at("/hangTimeout/source").asString()).isEqualTo("startup");
    assertThat(starting.at("/hangTimeout/duration").asString()).isEqualTo("PT30M");
    assertThat(points.get(0).has("stepMs")).as("older lines carry no step times").isFalse();
    assertThat(points.get(1).get("stepMs").asDouble()).isEqualTo(80.5);
    assertThat(points.get(2).get("computeMs").asDouble()).isEqualTo(60.0);
    assertThat(running.at("/progress/lastStepAt").asString()).isEqualTo(readAt.toString());
    assertThat(running.at("/hangTimeout/source").asString()).isEqualTo("floor");
    assertThat(running.at("/hangTimeout/duration").asString()).isEqualTo("PT5M");
    assertThat(Instant.parse(running.at("/hangTimeout/expiresAt").asString()))
        .isEqualTo(readAt.plus(java.time.Duration.ofMinutes(5)));
    assertThat(io.baton.schemas.BatonSchemas.validate(io.baton.schemas.BatonSchemas.JOB, running))
        .isEmpty();
  }

  @Test
  void theSeriesIsBoundedAndKeepsTheNewestPoints() {
    Node node = aNode("ascend-910b");
    UUID job = aJobOn(node);
    for (int r = 0; r < 3; r++) {
      Reports report = aReport(node.name()).seq(r);
      for (int i = 0; i < 400; i++) {
        report.progress(job, r * 400L + i, 1.0 / (1 + r * 400 + i));
      }
      report(node, report);
    }

    JsonNode points = api.get("/api/v1/jobs/" + job + "/progress").json().get("points");

    assertThat(points.size()).isLessThanOrEqualTo(500).isGreaterThan(250);
    assertThat(points.get(0).get("step").asLong()).isZero();
    assertThat(points.get(points.size() - 1).get("step").asLong()).isEqualTo(1199);
    List<Long> newest = new ArrayList<>();
    for (int i = points.size() - 100; i < points.size(); i++) {
      newest.add(points.get(i).get("step").asLong());
    }
    assertThat(newest).first().isEqualTo(1100L);
  }

  @Test
  void linesSentAgainDoNotCountTowardsTheBoundSoNothingIsThinnedForThem() {
    Node node = aNode("ascend-910b");
    UUID job = aJobOn(node);
    // The same 300 points three times (an agent resending, or ranks adopted by a new orchestrator
    // writing their progress files again): the series holds 300 points, under the bound of 500.
    for (int r = 0; r < 3; r++) {
      Reports report = aReport(node.name()).seq(r);
      for (int i = 0; i < 300; i++) {
        report.progress(job, i, 1.0 / (1 + i));
      }
      report(node, report);
    }

    JsonNode points = api.get("/api/v1/jobs/" + job + "/progress").json().get("points");

    assertThat(points.size()).as("every point kept, none thinned").isEqualTo(300);
  }

  @Test
  void progressOfUnknownJobsIsDropped() {
    Node node = aNode("ascend-910b");
    double before = refused("unknown-job", "progress");

    Api.Response ack = report(node, aReport(node.name()).progress(UUID.randomUUID(), 1, 0.1));

    assertThat(ack.json().get("applied").asBoolean()).isTrue();
    assertThat(refused("unknown-job", "progress")).isEqualTo(before + 1);
  }

  @Test
  void jobDataFromANodeTheJobIsNotPlacedOnIsRefusedAndCountedWhileItsChipsAreStored() {
    Node placed = aNode("ascend-910b");
    Node stranger = aNode("ascend-910b");
    UUID job = aJobOn(placed);
    double progressBefore = refused("not-placed", "progress");
    double checkpointsBefore = refused("not-placed", "checkpoint");

    Api.Response ack =
        report(
            stranger,
            aReport(stranger.name())
                .seq(0)
                .chip(2, "WARNING")
                .progress(job, 50, 0.1)
                .checkpoint(job, 50));

    assertThat(ack.status()).isEqualTo(200);
    assertThat(ack.json().get("applied").asBoolean()).isTrue();
    JsonNode strangerNode = api.get("/api/v1/nodes/" + stranger.name()).json();
    assertThat(strangerNode.get("state").asString()).isEqualTo("READY");
    assertThat(strangerNode.get("health").asString()).isEqualTo("WARNING");
    assertThat(api.get("/api/v1/jobs/" + job + "/progress").json().get("points")).isEmpty();
    JsonNode untouched = api.get("/api/v1/jobs/" + job).json();
    assertThat(untouched.path("progress").isNull() || untouched.path("progress").isMissingNode())
        .as("progress of %s", untouched)
        .isTrue();
    assertThat(
            untouched.path("latestCheckpoint").isNull()
                || untouched.path("latestCheckpoint").isMissingNode())
        .isTrue();
    assertThat(api.get("/api/v1/checkpoints?jobId=" + job).json().get("items")).isEmpty();
    assertThat(refused("not-placed", "progress")).isEqualTo(progressBefore + 1);
    assertThat(refused("not-placed", "checkpoint")).isEqualTo(checkpointsBefore + 1);
    assertThat(api.get("/actuator/prometheus").body())
        .containsPattern(
            "baton_ingest_refused_total\\{[^}]*line=\"progress\"[^}]*reason=\"not-placed\"");

    report(placed, aReport(placed.name()).seq(0).progress(job, 60, 0.2).checkpoint(job, 60));

    assertThat(api.get("/api/v1/jobs/" + job + "/progress").json().get("points")).hasSize(1);
    assertThat(api.get("/api/v1/jobs/" + job).json().at("/latestCheckpoint/step").asLong())
        .isEqualTo(60);
    assertThat(refused("not-placed", "progress")).isEqualTo(progressBefore + 1);
  }

  @Test
  void aWaitingJobTakesNoJobDataFromAnyNode() {
    Node node = aNode("ascend-910b");
    UUID waiting = aJob();
    double before = refused("not-placed", "progress");

    report(node, aReport(node.name()).progress(waiting, 1, 0.5));

    assertThat(api.get("/api/v1/jobs/" + waiting + "/progress").json().get("points")).isEmpty();
    assertThat(refused("not-placed", "progress")).isEqualTo(before + 1);
  }

  @Test
  void aFinishedJobStillTakesItsLastLinesFromItsNodesButNotFromAnAttemptPlacedElsewhere() {
    Node first = aNode("ascend-910b");
    Node second = aNode("ascend-910b");
    UUID job = aJobOn(first);
    move(job, JobState.STARTING, JobState.RUNNING);
    lifecycle.recover(job, jobs.get(job).version(), true, "node lost", "test");
    lifecycle.readyToResume(job, jobs.get(job).version(), null, 0, "resuming", "test");
    double before = refused("not-placed", "progress");

    // Between attempts the job is placed nowhere: late lines of attempt 1 are refused.
    report(first, aReport(first.name()).seq(0).progress(job, 1, 0, 10, 0.9));
    lifecycle.admit(job, jobs.get(job).version(), placement(second), "test");
    report(first, aReport(first.name()).seq(1).progress(job, 1, 0, 11, 0.8));
    report(second, aReport(second.name()).seq(0).progress(job, 2, 0, 12, 0.7));
    move(job, JobState.STARTING, JobState.RUNNING, JobState.SUCCEEDED);
    report(second, aReport(second.name()).seq(1).progress(job, 2, 0, 13, 0.6).checkpoint(job, 13));

    List<Long> steps = new ArrayList<>();
    api.get("/api/v1/jobs/" + job + "/progress")
        .json()
        .get("points")
        .forEach(p -> steps.add(p.get("step").asLong()));
    assertThat(steps).containsExactly(12L, 13L);
    assertThat(api.get("/api/v1/jobs/" + job).json().at("/latestCheckpoint/step").asLong())
        .isEqualTo(13);
    assertThat(refused("not-placed", "progress")).isEqualTo(before + 2);
  }

  @Test
  void aCheckpointOutsideTheJobsDirectoryIsRefusedAndTheRestOfTheReportKept() {
    Node node = aNode("ascend-910b");
    UUID job = aJobOn(node);
    double before = refused("checkpoint-path", "checkpoint");
    Reports report =
        aReport(node.name())
            .progress(job, 40, 0.3)
            .checkpoint(job, 10, "../" + UUID.randomUUID() + "/step-10", null)
            .checkpoint(job, 20, "/etc/passwd", null)
            .checkpoint(job, 30, "step-30/model.safetensors", "../../etc/shadow")
            .checkpoint(job, 40, "step-40/model.safetensors", "step-40/golden.json");

    assertThat(report(node, report).status()).isEqualTo(200);

    JsonNode items = api.get("/api/v1/checkpoints?jobId=" + job).json().get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("step").asLong()).isEqualTo(40);
    assertThat(api.get("/api/v1/jobs/" + job + "/progress").json().get("points")).hasSize(1);
    assertThat(refused("checkpoint-path", "checkpoint")).isEqualTo(before + 3);
  }

  @Test
  void chipHealthChangesAreEventsAndShowInPoolCapacity() {
    Node node = aNode("nvidia-h100");
    long before = newestEventId();
    report(node, aReport(node.name()).seq(0));
    JsonNode capacityBefore = api.get("/api/v1/pools/nvidia-h100").json().get("capacity");

    report(node, aReport(node.name()).seq(1).chip(5, "FAULT", "0x80E18402"));

    JsonNode events = api.get("/api/v1/events?after=" + before + "&limit=500").json().get("items");
    List<String> mine = new ArrayList<>();
    events.forEach(
        e -> {
          if (e.get("subject").asString().startsWith("node/" + node.name())) {
            mine.add(
                e.get("type").asString()
                    + " "
                    + e.get("subject").asString().replace("node/" + node.name(), "")
                    + " "
                    + e.get("from").asString(null)
                    + "->"
                    + e.get("to").asString());
          }
        });
    assertThat(mine).contains("node.state  NEW->READY", "chip.health /chips/5 OK->FAULT");
    assertThat(mine).filteredOn(s -> s.startsWith("chip.health")).hasSize(9);
    JsonNode chipEvent = null;
    for (JsonNode e : events) {
      if (e.get("subject").asString().equals("node/" + node.name() + "/chips/5")
          && "FAULT".equals(e.get("to").asString())) {
        chipEvent = e;
      }
    }
    assertThat(chipEvent.get("reason").asString()).contains("Alarm").contains("0x80E18402");
    JsonNode capacity = api.get("/api/v1/pools/nvidia-h100").json().get("capacity");
    assertThat(capacity.get("chipsFault").asInt())
        .isEqualTo(capacityBefore.get("chipsFault").asInt() + 1);
    assertThat(capacity.get("chipsSchedulable").asInt())
        .isEqualTo(capacityBefore.get("chipsSchedulable").asInt() - 1);
    assertThat(api.get("/api/v1/nodes?pool=nvidia-h100&health=FAULT").json().get("items"))
        .anySatisfy(n -> assertThat(n.get("name").asString()).isEqualTo(node.name()));
  }

  @Test
  void aSilentNodeIsLostWithinItsTimeoutAndAReportBringsItBack() throws Exception {
    Node node = aNode("ascend-910b");
    report(node, aReport(node.name()).seq(0));

    JsonNode lost = awaitState(node.name(), "LOST", Duration.ofSeconds(20));

    assertThat(lost.get("health").asString()).isEqualTo("UNKNOWN");
    assertThat(lost.get("chips"))
        .allSatisfy(c -> assertThat(c.get("health").asString()).isEqualTo("UNKNOWN"));
    assertThat(Duration.between(Instant.parse(lost.get("lastReportAt").asString()), Instant.now()))
        .isLessThan(Duration.ofSeconds(15));
    report(node, aReport(node.name()).seq(1));
    assertThat(api.get("/api/v1/nodes/" + node.name()).json().get("state").asString())
        .isEqualTo("READY");
  }

  @Test
  void nodesAreListedByPoolAndPagedByName() {
    JsonNode page = api.get("/api/v1/nodes?pool=ascend-910b&limit=2").json();

    assertThat(page.get("items")).hasSize(2);
    String next = page.get("nextCursor").asString();
    JsonNode second = api.get("/api/v1/nodes?pool=ascend-910b&limit=2&cursor=" + next).json();
    assertThat(second.at("/items/0/name").asString())
        .isGreaterThan(page.at("/items/1/name").asString());
    api.get("/api/v1/nodes/no-such-node").problem(404, "not-found");
    api.get("/api/v1/nodes?health=SICK").problem(400, "invalid-parameter");
  }

  @Test
  void theLocalBackendRegistersItsSimulatedNodesWithTokens() {
    JsonNode node = api.get("/api/v1/nodes/ascend-910b-0").json();

    assertThat(node.get("pool").asString()).isEqualTo("ascend-910b");
    assertThat(dataDir().resolve("tokens").resolve("ascend-910b-0.token")).exists();
  }

  @Test
  void adminApiNeedsTheAdminToken() {
    api.as(null)
        .post("/api/v1/admin/nodes/x-1/tokens", "{\"pool\":\"ascend-910b\"}")
        .problem(401, "unauthorized");
    api.post(
            "/api/v1/admin/nodes/x-1/tokens",
            "{\"pool\":\"ascend-910b\"}",
            "Authorization",
            "Bearer wrong")
        .problem(401, "unauthorized");
    api.post(
            "/api/v1/admin/nodes/x-1/tokens",
            "{\"pool\":\"tpu\"}",
            "Authorization",
            "Bearer " + adminToken())
        .problem(422, "unknown-pool");
  }

  private JsonNode awaitState(String node, String state, Duration timeout)
      throws InterruptedException {
    return Eventually.value(
        () -> api.get("/api/v1/nodes/" + node).json(),
        got -> got.get("state").asString().equals(state),
        timeout,
        Duration.ofMillis(200),
        got -> node + " not " + state + " within " + timeout);
  }

  private List<String> eventsOf(UUID job) {
    List<String> types = new ArrayList<>();
    // An event that exists about 400 back: ids have gaps (rolled-back inserts of other tests), and
    // the feed refuses an id it never had.
    Long from =
        jdbc.queryForObject(
            "SELECT coalesce(max(id), 0) FROM events WHERE id <= ?",
            Long.class,
            Math.max(0, newestEventId() - 400));
    JsonNode page = api.get("/api/v1/events?limit=500&after=" + from).json();
    page.get("items")
        .forEach(
            e -> {
              if (job.toString().equals(e.path("jobId").asString(null))) {
                types.add(e.get("type").asString());
              }
            });
    return types;
  }

  private long newestEventId() {
    long after = 0;
    while (true) {
      JsonNode page =
          api.get("/api/v1/events?limit=500" + (after == 0 ? "" : "&after=" + after)).json();
      if (page.get("items").isEmpty()) {
        return after;
      }
      after = page.get("nextCursor").asLong();
    }
  }

  private UUID aJob() {
    return UUID.fromString(api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString());
  }

  /** A job admitted onto these nodes (its first attempt), as the scheduler would. */
  private UUID aJobOn(Node... nodes) {
    UUID id = aJob();
    lifecycle.admit(id, jobs.get(id).version(), placement(nodes), "test");
    return id;
  }

  private static List<Job.Placement> placement(Node... nodes) {
    List<Integer> chips = IntStream.range(0, 8).boxed().toList();
    return java.util.Arrays.stream(nodes).map(n -> new Job.Placement(n.name(), chips)).toList();
  }

  private void move(UUID job, JobState... states) {
    for (JobState to : states) {
      lifecycle.transition(job, jobs.get(job).version(), to, "test", "test");
    }
  }

  private double refused(String reason, String line) {
    return meters
        .get("baton.ingest.refused")
        .tag("reason", reason)
        .tag("line", line)
        .counter()
        .count();
  }

  private Api.Response report(Node node, Reports report) {
    return api.post(
        "/api/v1/agents/reports", report.json(), "Authorization", "Bearer " + node.token());
  }

  /** A freshly registered node with its token. */
  record Node(String name, String token, String tokenId) {}

  private Node aNode(String pool) {
    String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
    JsonNode issued =
        api.post(
                "/api/v1/admin/nodes/" + name + "/tokens",
                "{\"pool\":\"" + pool + "\"}",
                "Authorization",
                "Bearer " + adminToken())
            .json();
    return new Node(name, issued.get("token").asString(), issued.get("id").asString());
  }

  /** The label names of the first request-count sample in a scrape that has both labels. */
  private static List<String> labelKeys(String scrape, String label, String other) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith("http_server_requests_seconds_count{")
          && line.contains(label)
          && line.contains(other)) {
        List<String> keys = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-z_]+)=\"").matcher(line);
        while (m.find()) {
          keys.add(m.group(1));
        }
        return keys.stream().sorted().toList();
      }
    }
    return List.of();
  }
}
