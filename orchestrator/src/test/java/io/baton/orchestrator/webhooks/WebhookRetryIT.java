package io.baton.orchestrator.webhooks;

import static io.baton.orchestrator.support.Specs.aSpec;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.WAIT;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.assertSignedDelivery;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.deliveries;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.delivery;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.subscribe;
import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.unsubscribeAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Failed deliveries are retried with the same delivery id until a 2xx answer, and given up after
 * {@code baton.webhooks.max-attempts}; deleting a subscription stops its pending deliveries.
 */
class WebhookRetryIT extends IntegrationTest {

  static final int FAILURES = 2;

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Value("${baton.webhooks.max-attempts}")
  int maxAttempts;

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
  void aDeliveryAnswered500IsRetriedWithTheSameIdUntil200() throws Exception {
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    try (Receiver receiver =
        Receiver.answering(
            r ->
                attempts
                            .computeIfAbsent(r.header("Baton-Delivery"), k -> new AtomicInteger())
                            .incrementAndGet()
                        <= FAILURES
                    ? 500
                    : 200)) {
      JsonNode webhook = subscribe(api, receiver.url(), "job.state");
      String webhookId = webhook.get("id").asString();

      String job = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();

      await().atMost(WAIT).until(() -> receiver.about(job).size() == FAILURES + 1);
      List<Receiver.Request> tries = receiver.about(job);
      String deliveryId = tries.get(0).header("Baton-Delivery");
      assertThat(tries).extracting(r -> r.header("Baton-Delivery")).containsOnly(deliveryId);
      assertThat(tries).extracting(Receiver.Request::text).containsOnly(tries.get(0).text());
      for (Receiver.Request request : tries) {
        assertSignedDelivery(request, webhook.get("secret").asString(), webhookId, "job.state");
      }
      JsonNode delivered =
          await()
              .atMost(WAIT)
              .until(
                  () -> delivery(api, webhookId, deliveryId),
                  d -> d.get("state").asString().equals("DELIVERED"));
      assertThat(delivered.get("attempts").asInt()).isEqualTo(FAILURES + 1);
      assertThat(delivered.get("lastStatus").asInt()).isEqualTo(200);
      assertThat(delivered.get("lastError").isNull()).isTrue();
    }
  }

  @Test
  void aReceiverThatIsDownIsRetriedThenFailed() throws Exception {
    String url = "http://127.0.0.1:" + closedPort() + "/hook";
    String webhookId = subscribe(api, url, "job.state").get("id").asString();

    api.post("/api/v1/jobs", aSpec().json());

    JsonNode failed =
        await()
            .atMost(WAIT)
            .until(
                () -> deliveries(api, webhookId),
                d -> d.size() == 1 && d.get(0).get("state").asString().equals("FAILED"))
            .get(0);
    assertThat(failed.get("attempts").asInt()).isEqualTo(maxAttempts);
    assertThat(failed.get("lastStatus").isNull()).isTrue();
    assertThat(failed.get("lastError").asString()).isEqualTo("unreachable");
    assertThat(failed.get("nextAttemptAt").isNull()).isTrue();
    assertThat(
            api.get("/api/v1/webhooks/" + webhookId + "/deliveries?state=FAILED")
                .json()
                .get("items"))
        .hasSize(1);
  }

  @Test
  void deletingASubscriptionDropsItsPendingDeliveries() {
    try (Receiver receiver = Receiver.answering(r -> 503)) {
      String webhookId = subscribe(api, receiver.url(), "job.state").get("id").asString();
      String job = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
      await().atMost(WAIT).until(() -> !receiver.about(job).isEmpty());

      Api.Response deleted =
          api.send(HttpRequest.newBuilder(api.uri("/api/v1/webhooks/" + webhookId)).DELETE());

      assertThat(deleted.status()).isEqualTo(204);
      assertThat(
              jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = :id")
                  .param("id", java.util.UUID.fromString(webhookId))
                  .query(Integer.class)
                  .single())
          .isZero();
      api.get("/api/v1/webhooks/" + webhookId).problem(404, "not-found");
      api.get("/api/v1/webhooks/" + webhookId + "/deliveries").problem(404, "not-found");
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
