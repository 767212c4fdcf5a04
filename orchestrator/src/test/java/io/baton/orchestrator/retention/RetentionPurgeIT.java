package io.baton.orchestrator.retention;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.events.FeedPurge;
import io.baton.orchestrator.jobs.FinishedJobs;
import io.baton.orchestrator.promotion.PromotionService;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.Rows;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

class RetentionPurgeIT extends IntegrationTest {

  private static final Instant LONG_AGO = Instant.parse("2020-01-01T00:00:00Z");

  @LocalServerPort int port;
  @Autowired FeedPurge feed;
  @Autowired FinishedJobs finishedJobs;
  @Autowired PromotionService promotions;
  @Autowired TransactionTemplate transactions;
  @Autowired JdbcClient jdbc;
  @Autowired Clock clock;
  Api api;
  Rows rows;

  @BeforeEach
  void setUp() {
    api = new Api(port, adminToken());
    rows = new Rows(jdbc);
  }

  @Test
  void finishedJobsPastRetentionGoWithWhatHangsOffThemButTheirEventsStay() {
    UUID gone = cancelledJob();
    rows.progress(gone, 10);
    UUID goneCheckpoint = rows.checkpoint(gone, 10);
    rows.promotion(gone, goneCheckpoint, "REJECTED", LONG_AGO);
    rows.lastChanged(gone, LONG_AGO);

    UUID served = cancelledJob();
    String endpoint = "retention-" + served.toString().substring(0, 8);
    rows.endpoint(endpoint);
    rows.revision(endpoint, 1, rows.checkpoint(served, 10), served);
    rows.lastChanged(served, LONG_AGO);

    UUID promoting = cancelledJob();
    rows.promotion(promoting, rows.checkpoint(promoting, 10), "AWAITING_APPROVAL", LONG_AGO);
    rows.lastChanged(promoting, LONG_AGO);

    UUID recentlyRejected = cancelledJob();
    rows.promotion(
        recentlyRejected, rows.checkpoint(recentlyRejected, 10), "REJECTED", clock.instant());
    rows.lastChanged(recentlyRejected, LONG_AGO);

    UUID recent = cancelledJob();
    UUID queued = submit();
    rows.lastChanged(queued, LONG_AGO);

    RetentionPurge.Purged purged = purge(defaults(2, 100)).run();

    assertThat(purged.jobs()).isGreaterThanOrEqualTo(1);
    api.get("/api/v1/jobs/" + gone).problem(404, "not-found");
    assertThat(rows.count("job_progress", "job_id", gone)).isZero();
    assertThat(rows.count("checkpoints", "job_id", gone)).isZero();
    assertThat(rows.count("promotions", "job_id", gone)).isZero();
    assertThat(rows.count("events", "subject", "job/" + gone))
        .as("the job's events stay in the feed")
        .isEqualTo(3);
    for (UUID kept : List.of(served, promoting, recentlyRejected, recent, queued)) {
      assertThat(api.get("/api/v1/jobs/" + kept).status()).as("job %s", kept).isEqualTo(200);
    }
    assertThat(rows.count("checkpoints", "job_id", served)).isEqualTo(1);
  }

  @Test
  void aRunPurgesAtMostItsBatchesAndTheNextRunGoesOn() {
    List<UUID> old = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID job = cancelledJob();
      rows.lastChanged(job, Instant.parse("2000-01-01T00:00:00Z").plusSeconds(i));
      old.add(job);
    }
    RetentionPurge purge = purge(defaults(1, 2));

    assertThat(purge.purgeJobs(cutoff())).isEqualTo(2);
    assertThat(api.get("/api/v1/jobs/" + old.get(0)).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs/" + old.get(1)).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs/" + old.get(2)).status()).isEqualTo(200);

    assertThat(purge.purgeJobs(cutoff())).isEqualTo(1);
    assertThat(api.get("/api/v1/jobs/" + old.get(2)).status()).isEqualTo(404);
  }

  @Test
  void aReaderPositionedOnAPurgedEventContinuesWithTheNextOne() throws Exception {
    UUID job = cancelledJob();
    List<Long> ids = eventIds(job);
    assertThat(ids).hasSize(3);
    long queued = ids.get(0);
    long cancelling = ids.get(1);
    long cancelled = ids.get(2);
    jdbc.sql(
            """
            UPDATE events SET at = :old
             WHERE (txid, id) <= (SELECT txid, id FROM events WHERE id = :through)
            """)
        .param("old", java.time.OffsetDateTime.parse("2020-01-01T00:00:00Z"))
        .param("through", cancelling)
        .update();

    int purged = purge(defaults(1000, 1000)).purgeEvents(cutoff());

    assertThat(purged).isGreaterThanOrEqualTo(2);
    assertThat(eventIds(job)).containsExactly(cancelled);
    for (long reader : List.of(queued, cancelling)) {
      JsonNode page = api.get("/api/v1/events?limit=1&after=" + reader).json();
      assertThat(page.at("/items/0/id").asLong()).as("after %s", reader).isEqualTo(cancelled);
      assertThat(page.get("nextCursor").asString()).isEqualTo(Long.toString(cancelled));
    }
    assertThat(firstStreamedId(Long.toString(queued))).isEqualTo(cancelled);
    long unknown = cancelled + 1_000_000;
    api.get("/api/v1/events?after=" + unknown).problem(400, "invalid-parameter");
  }

  @Test
  void eventsYoungerThanTheRetentionStay() {
    UUID job = cancelledJob();

    purge(defaults(1000, 1000)).purgeEvents(cutoff());

    assertThat(eventIds(job)).hasSize(3);
  }

  private RetentionPurge purge(RetentionProperties properties) {
    return new RetentionPurge(feed, finishedJobs, promotions, properties, transactions, clock);
  }

  private static RetentionProperties defaults(int batchSize, int maxBatches) {
    return new RetentionProperties(
        Duration.ofDays(90), Duration.ofDays(90), batchSize, maxBatches, Duration.ofHours(1));
  }

  private Instant cutoff() {
    return Expiry.cutoff(clock.instant(), Duration.ofDays(90));
  }

  private UUID submit() {
    return UUID.fromString(api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString());
  }

  private UUID cancelledJob() {
    UUID id = submit();
    assertThat(api.post("/api/v1/jobs/" + id + "/cancel", "").json().get("state").asString())
        .isEqualTo("CANCELLED");
    return id;
  }

  private List<Long> eventIds(UUID job) {
    return jdbc.sql("SELECT id FROM events WHERE subject = :subject ORDER BY id")
        .param("subject", "job/" + job)
        .query(Long.class)
        .list();
  }

  /** The id of the first event a stream resuming after {@code lastEventId} sends. */
  private long firstStreamedId(String lastEventId) throws Exception {
    HttpResponse<InputStream> response =
        api.client()
            .sendAsync(
                HttpRequest.newBuilder(api.uri("/api/v1/events/stream"))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + api.token())
                    .header("Last-Event-ID", lastEventId)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream())
            .get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream body = response.body()) {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("id:")) {
                      return Long.parseLong(line.substring(3).trim());
                    }
                  }
                  throw new AssertionError("stream ended");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .get(20, TimeUnit.SECONDS);
    }
  }
}
