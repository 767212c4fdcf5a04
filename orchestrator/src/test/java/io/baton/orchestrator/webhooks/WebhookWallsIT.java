package io.baton.orchestrator.webhooks;

import static io.baton.orchestrator.support.Specs.aSpec;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.JSON;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.WAIT;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.assertSignedDelivery;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.deliveries;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.subscribe;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.unsubscribeAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * What keeps webhooks from being turned against the orchestrator's own network or its tenants:
 * refused addresses at delivery, team walls, coarse delivery records, secrets sealed at rest.
 */
class WebhookWallsIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired WebhookRepository webhooks;
  @Autowired WebhookSecrets secrets;
  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, adminToken());
  }

  @AfterEach
  void unsubscribe() {
    unsubscribeAll(api);
  }

  @Test
  void aDeliveryToARefusedAddressFailsAtOnceWithoutConnecting() {
    try (Receiver receiver = Receiver.answering(r -> 200)) {
      // 0.0.0.0 reaches the receiver on this machine, but it is not in the allowed 127.0.0.0/8.
      // Creation refuses such a URL; a row written past it (or by an older version) meets the
      // wall at delivery.
      UUID id = insertBypassingCreation("http://0.0.0.0:" + receiver.port() + "/hook", "s3cret");

      api.post("/api/v1/jobs", aSpec().json());

      JsonNode failed =
          await()
              .atMost(WAIT)
              .until(
                  () -> deliveries(api, id.toString()),
                  d -> !d.isEmpty() && d.get(0).get("state").asString().equals("FAILED"))
              .get(0);
      assertThat(failed.get("attempts").asInt()).isEqualTo(1);
      assertThat(failed.get("lastError").asString()).isEqualTo("refused-address");
      assertThat(failed.get("lastStatus").isNull()).isTrue();
      assertThat(failed.get("nextAttemptAt").isNull()).isTrue();
      assertThat(receiver.all()).isEmpty();
    }
  }

  @Test
  void httpErrorsRecordTheStatusAndASlugOnly() {
    try (Receiver receiver = Receiver.answering(r -> 503)) {
      String id = subscribe(api, receiver.url(), "job.state").get("id").asString();

      api.post("/api/v1/jobs", aSpec().json());

      JsonNode attempted =
          await()
              .atMost(WAIT)
              .until(
                  () -> deliveries(api, id),
                  d -> !d.isEmpty() && d.get(0).get("attempts").asInt() >= 1)
              .get(0);
      assertThat(attempted.get("lastStatus").asInt()).isEqualTo(503);
      assertThat(attempted.get("lastError").asString()).isEqualTo("http-error");
    }
  }

  @Test
  void aTeamsSubscriptionHearsOnlyThatTeamsEvents() {
    try (Receiver ofA = Receiver.answering(r -> 200);
        Receiver ofB = Receiver.answering(r -> 200);
        Receiver ofAdmin = Receiver.answering(r -> 200)) {
      String a = subscribeAs("team-a", ofA.url());
      String b = subscribeAs("team-b", ofB.url());
      subscribe(api, ofAdmin.url(), "wall.*");
      String run = UUID.randomUUID().toString();

      Map<String, String> subjects = new HashMap<>();
      for (String team : new String[] {"team-a", "team-b", null}) {
        String subject = "wall/" + run + "/" + team;
        subjects.put(String.valueOf(team), subject);
        jdbc.sql(
                """
                INSERT INTO events (type, subject, actor, at, team)
                VALUES ('wall.ping', :subject, 'test', now(), :team)
                """)
            .param("subject", subject)
            .param("team", team)
            .update();
      }

      await()
          .atMost(WAIT)
          .until(
              () -> subjects.values().stream().allMatch(s -> ofAdmin.aboutSubject(s).size() == 1));
      await().atMost(WAIT).until(() -> ofA.all().size() == 1 && ofB.all().size() == 1);
      assertThat(ofA.all().get(0).json().at("/event/subject").asString())
          .isEqualTo(subjects.get("team-a"));
      assertThat(ofB.all().get(0).json().at("/event/subject").asString())
          .isEqualTo(subjects.get("team-b"));
      assertThat(deliveries(api, a)).hasSize(1);
      assertThat(deliveries(api, b)).hasSize(1);
    }
  }

  @Test
  void secretsAreSealedAtRestAndSignaturesStillVerify() throws Exception {
    String secret = "correct-horse-battery-staple-" + UUID.randomUUID();
    try (Receiver receiver = Receiver.answering(r -> 200)) {
      JsonNode webhook =
          api.post(
                  "/api/v1/webhooks",
                  JSON.writeValueAsString(
                      Map.of(
                          "url", receiver.url(), "events", List.of("job.state"), "secret", secret)))
              .json();
      UUID id = UUID.fromString(webhook.get("id").asString());

      assertThat(stored(id)).startsWith("gcm:").doesNotContain(secret);
      assertThat(Files.getPosixFilePermissions(dataDir().resolve(WebhookSecrets.KEY_FILE)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));

      String job = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();

      await().atMost(WAIT).until(() -> receiver.about(job).size() == 1);
      assertSignedDelivery(receiver.about(job).get(0), secret, id.toString(), "job.state");
    }
  }

  @Test
  void plainSecretsFromBeforeEncryptionKeepWorkingAndAreSealedAtStart() throws Exception {
    String secret = "legacy-secret-" + UUID.randomUUID();
    try (Receiver receiver = Receiver.answering(r -> 200)) {
      UUID id = UUID.randomUUID();
      webhooks.insert(
          new Webhook(id, receiver.url(), List.of("job.state"), "V7", null, Instant.now()),
          SecretBox.PLAIN + secret);

      String before = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
      await().atMost(WAIT).until(() -> receiver.about(before).size() == 1);
      assertSignedDelivery(receiver.about(before).get(0), secret, id.toString(), "job.state");

      assertThat(secrets.resealAll()).isGreaterThanOrEqualTo(1);
      assertThat(stored(id)).startsWith("gcm:").doesNotContain(secret);

      String after = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
      await().atMost(WAIT).until(() -> receiver.about(after).size() == 1);
      assertSignedDelivery(receiver.about(after).get(0), secret, id.toString(), "job.state");
    }
  }

  private String subscribeAs(String team, String url) {
    Api.Response created =
        api.post(
            "/api/v1/webhooks",
            JSON.writeValueAsString(Map.of("url", url, "events", List.of("wall.*"), "team", team)));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private UUID insertBypassingCreation(String url, String secret) {
    UUID id = UUID.randomUUID();
    webhooks.insert(
        new Webhook(id, url, List.of("job.state"), null, null, Instant.now()),
        secrets.seal(id, secret));
    return id;
  }

  private String stored(UUID id) {
    return jdbc.sql("SELECT secret FROM webhooks WHERE id = :id")
        .param("id", id)
        .query(String.class)
        .single();
  }
}
