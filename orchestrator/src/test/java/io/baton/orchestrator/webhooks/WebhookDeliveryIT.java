package io.baton.orchestrator.webhooks;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.schemas.BatonSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A subscribed receiver hears about a job's state changes, signed and de-duplicable. */
class WebhookDeliveryIT extends IntegrationTest {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final JsonMapper JSON = JsonMapper.builder().build();

  @LocalServerPort int port;
  Api api;
  Receiver receiver;

  @BeforeEach
  void start() {
    api = new Api(port, adminToken());
    receiver = Receiver.answering(request -> 200);
  }

  @AfterEach
  void stop() {
    unsubscribeAll(api);
    receiver.close();
  }

  @Test
  void jobStateChangesArriveSignedWithDistinctDeliveryIds() throws Exception {
    JsonNode webhook = subscribe(api, receiver.url(), "job.*");
    String secret = webhook.get("secret").asString();

    String job = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    api.post("/api/v1/jobs/" + job + "/cancel", "");

    await().atMost(WAIT).until(() -> receiver.about(job).size() >= 3);
    List<Receiver.Request> requests = receiver.about(job);
    assertThat(requests).hasSize(3);
    assertThat(requests)
        .extracting(r -> r.json().at("/event/to").asString())
        .containsExactlyInAnyOrder("QUEUED", "CANCELLING", "CANCELLED");
    assertThat(requests).extracting(r -> r.header("Baton-Delivery")).doesNotHaveDuplicates();
    for (Receiver.Request request : requests) {
      assertSignedDelivery(request, secret, webhook.get("id").asString(), "job.state");
      assertThat(request.json().at("/event/subject").asString()).isEqualTo("job/" + job);
    }
  }

  @Test
  void deliveriesAreListedAsDeliveredWithTheirAttempts() {
    JsonNode webhook = subscribe(api, receiver.url(), "job.state");
    String id = webhook.get("id").asString();

    String job = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();

    await().atMost(WAIT).until(() -> receiver.about(job).size() == 1);
    String deliveryId = receiver.about(job).get(0).header("Baton-Delivery");
    JsonNode delivery =
        await()
            .atMost(WAIT)
            .until(
                () -> delivery(api, id, deliveryId),
                d -> d != null && d.get("state").asString().equals("DELIVERED"));
    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
    assertThat(delivery.get("lastStatus").asInt()).isEqualTo(200);
    assertThat(delivery.get("eventType").asString()).isEqualTo("job.state");
    assertThat(delivery.get("deliveredAt").isNull()).isFalse();
    assertThat(delivery.get("nextAttemptAt").isNull()).isTrue();
  }

  @Test
  void onlyMatchingTypesAreSentAndHistoryIsNotReplayed() {
    String before = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    JsonNode all = subscribe(api, receiver.url(), "*");
    JsonNode none = subscribe(api, receiver.url(), "promotion.*");

    String after = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();

    await().atMost(WAIT).until(() -> receiver.about(after).size() == 1);
    assertThat(receiver.about(after).get(0).header("Baton-Delivery"))
        .isIn(deliveryIds(api, all.get("id").asString()));
    assertThat(receiver.about(before)).isEmpty();
    // "*" hears the job's events and the creation of the second subscription (an audit event).
    assertThat(deliveries(api, all.get("id").asString()))
        .extracting(d -> d.get("eventType").asString())
        .containsOnly("job.state", "webhook.created");
    assertThat(deliveries(api, none.get("id").asString())).isEmpty();
  }

  static JsonNode subscribe(Api api, String url, String... events) {
    Api.Response created =
        api.post(
            "/api/v1/webhooks",
            JSON.writeValueAsString(Map.of("url", url, "events", List.of(events))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  /** Deletes every subscription, so no test's receiver hears about another test's events. */
  static void unsubscribeAll(Api api) {
    for (JsonNode webhook : api.get("/api/v1/webhooks?limit=500").json().get("items")) {
      api.send(
          java.net.http.HttpRequest.newBuilder(
                  api.uri("/api/v1/webhooks/" + webhook.get("id").asString()))
              .DELETE());
    }
  }

  static List<JsonNode> deliveries(Api api, String webhookId) {
    JsonNode page = api.get("/api/v1/webhooks/" + webhookId + "/deliveries?limit=500").json();
    return page.get("items").valueStream().toList();
  }

  static List<String> deliveryIds(Api api, String webhookId) {
    return deliveries(api, webhookId).stream().map(d -> d.get("id").asString()).toList();
  }

  static JsonNode delivery(Api api, String webhookId, String deliveryId) {
    return deliveries(api, webhookId).stream()
        .filter(d -> d.get("id").asString().equals(deliveryId))
        .findFirst()
        .orElse(null);
  }

  /** Checks headers, body shape and signature as a receiver following the API guide would. */
  static void assertSignedDelivery(
      Receiver.Request request, String secret, String webhookId, String eventType)
      throws Exception {
    JsonNode body = request.json();
    assertThat(BatonSchemas.validate("webhook-delivery", body)).isEmpty();
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("Baton-Event")).isEqualTo(eventType);
    assertThat(body.at("/event/type").asString()).isEqualTo(eventType);
    assertThat(UUID.fromString(request.header("Baton-Delivery")).toString())
        .isEqualTo(body.get("id").asString());
    assertThat(body.get("webhookId").asString()).isEqualTo(webhookId);
    String timestamp = request.header("Baton-Timestamp");
    assertThat(Long.parseLong(timestamp))
        .isBetween(
            Instant.now().minusSeconds(300).getEpochSecond(), Instant.now().getEpochSecond());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(request.body()));
    assertThat(request.header("Baton-Signature")).isEqualTo(expected);
  }
}
