package io.baton.orchestrator.webhooks;

import static io.baton.orchestrator.webhooks.WebhookDeliveryIT.unsubscribeAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Managing subscriptions; every bad request is a 4xx problem naming the field, never a 500. The
 * shared context allows plain HTTP and 127.0.0.0/8 only, so other non-public addresses are refused.
 */
class WebhooksApiIT extends IntegrationTest {

  static final String URL = "https://ci.example.com/hooks/baton";

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;

  @Autowired WebhooksProperties properties;

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
  void createReturnsTheSecretOnceAndReadsNeverShowIt() {
    Api.Response created =
        api.post(
            "/api/v1/webhooks",
            """
            {"url": "%s", "events": ["job.*", "promotion.state", "job.*"], "description": "CI"}
            """
                .formatted(URL));

    assertThat(created.status()).isEqualTo(201);
    JsonNode webhook = created.json();
    String id = webhook.get("id").asString();
    assertThat(created.header("Location")).hasValue("/api/v1/webhooks/" + id);
    assertThat(webhook.get("url").asString()).isEqualTo(URL);
    assertThat(webhook.get("events").valueStream().map(JsonNode::asString))
        .containsExactly("job.*", "promotion.state");
    assertThat(webhook.get("description").asString()).isEqualTo("CI");
    assertThat(webhook.get("createdAt").asString()).isNotBlank();
    assertThat(webhook.get("secret").asString()).hasSizeGreaterThanOrEqualTo(43);

    JsonNode fetched = api.get("/api/v1/webhooks/" + id).json();
    assertThat(fetched.has("secret")).isFalse();
    assertThat(fetched.get("url").asString()).isEqualTo(URL);
    assertThat(api.get("/api/v1/webhooks").json().get("items").valueStream())
        .anySatisfy(w -> assertThat(w.get("id").asString()).isEqualTo(id))
        .allSatisfy(w -> assertThat(w.has("secret")).isFalse());
    assertThat(api.get("/api/v1/webhooks").body()).doesNotContain(webhook.get("secret").asString());
  }

  @Test
  void aClientMayChooseTheSecret() {
    JsonNode webhook =
        api.post(
                "/api/v1/webhooks",
                """
                {"url": "%s", "events": ["*"], "secret": "correct-horse-battery"}
                """
                    .formatted(URL))
            .json();

    assertThat(webhook.get("secret").asString()).isEqualTo("correct-horse-battery");
  }

  @Test
  void listPagesWithACursor() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(
          api.post("/api/v1/webhooks", "{\"url\": \"" + URL + "\", \"events\": [\"*\"]}")
              .json()
              .get("id")
              .asString());
    }

    JsonNode first = api.get("/api/v1/webhooks?limit=2").json();
    JsonNode second =
        api.get("/api/v1/webhooks?limit=2&cursor=" + first.get("nextCursor").asString()).json();

    List<String> listed = new ArrayList<>();
    first.get("items").forEach(w -> listed.add(w.get("id").asString()));
    second.get("items").forEach(w -> listed.add(w.get("id").asString()));
    assertThat(listed).containsExactlyElementsOf(ids);
    assertThat(second.get("nextCursor").isNull()).isTrue();
  }

  @Test
  void deleteIs204ThenTheSubscriptionIsGone() {
    String id =
        api.post("/api/v1/webhooks", "{\"url\": \"" + URL + "\", \"events\": [\"*\"]}")
            .json()
            .get("id")
            .asString();

    assertThat(delete(id).status()).isEqualTo(204);
    api.get("/api/v1/webhooks/" + id).problem(404, "not-found");
    delete(id).problem(404, "not-found");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"events\": [\"job.*\"]}|url",
        "{\"url\": \"ftp://ci.example.com/hook\", \"events\": [\"job.*\"]}|url",
        "{\"url\": \"ci.example.com/hook\", \"events\": [\"job.*\"]}|url",
        "{\"url\": \"http://\", \"events\": [\"job.*\"]}|url",
        "{\"url\": \"http://exa mple.com/\", \"events\": [\"job.*\"]}|url",
        "{\"url\": \"http://[::1/\", \"events\": [\"job.*\"]}|url",
        "{\"url\": 42, \"events\": [\"job.*\"]}|url",
        "{\"url\": \"https://ci.example.com/hook\"}|events",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": []}|events",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": \"job.*\"}|events",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"job.\"]}|events[0]",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"job.state\", \"*.state\"]}|events[1]",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"JOB.STATE\"]}|events[0]",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [null]}|events[0]",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"*\"], \"secret\": \"short\"}|secret",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"*\"], \"secret\": \"has spaces in it ok\"}|secret",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"*\"], \"retries\": 3}|retries",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"*\"], \"id\": \"x\"}|id",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"*\"], \"team\": \"Team A\"}|team",
        "{\"url\": \"https://ci.example.com/hook\", \"events\": [\"*\"], \"team\": 7}|team",
        "[]|''",
        "null|''",
      })
  void invalidSubscriptionsAre400NamingTheField(String body, String field) {
    int before = webhookCount();

    JsonNode problem = api.post("/api/v1/webhooks", body).problem(400, "invalid-webhook");

    assertThat(problem.get("errors").valueStream().map(e -> e.get("field").asString()))
        .contains(field);
    assertThat(webhookCount()).isEqualTo(before);
  }

  @ParameterizedTest
  @CsvSource({
    "http://169.254.169.254/latest/meta-data/, link-local",
    "http://[::ffff:169.254.169.254]/latest/meta-data/, link-local",
    "https://10.0.0.7:8443/hook, private",
    "https://172.20.1.1/hook, private",
    "https://192.168.0.1/hook, private",
    "https://[fd00::1]/hook, private",
    "https://100.64.0.1/hook, carrier-grade NAT",
    "https://[::1]:8080/hook, loopback",
    "https://0.0.0.0:8080/hook, unspecified",
    "https://224.0.0.1/hook, multicast",
    "https://[fe80::1]/hook, link-local",
  })
  void urlsReachingNonPublicAddressesAre422NamingTheUrl(String url, String rule) {
    int before = webhookCount();

    JsonNode problem =
        api.post("/api/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": [\"*\"]}")
            .problem(422, "webhook-url-refused");

    assertThat(problem.get("errors").valueStream())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("field").asString()).isEqualTo("url");
              assertThat(e.get("message").asString()).contains(rule);
            });
    assertThat(webhookCount()).isEqualTo(before);
  }

  @Test
  void aTeamsSubscriptionsAreCapped() {
    String team = "cap-" + UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"url\": \"" + URL + "\", \"events\": [\"*\"], \"team\": \"" + team + "\"}";
    int maxPerTeam = properties.maxPerTeam();
    for (int i = 0; i < maxPerTeam; i++) {
      Api.Response created = api.post("/api/v1/webhooks", body);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(created.json().get("team").asString()).isEqualTo(team);
    }

    JsonNode problem = api.post("/api/v1/webhooks", body).problem(409, "webhook-limit-reached");

    assertThat(problem.get("team").asString()).isEqualTo(team);
    assertThat(problem.get("limit").asInt()).isEqualTo(maxPerTeam);
    assertThat(
            api.post(
                    "/api/v1/webhooks",
                    "{\"url\": \""
                        + URL
                        + "\", \"events\": [\"*\"], \"team\": \"other-"
                        + team
                        + "\"}")
                .status())
        .as("another team")
        .isEqualTo(201);
    assertThat(
            api.post("/api/v1/webhooks", "{\"url\": \"" + URL + "\", \"events\": [\"*\"]}")
                .status())
        .as("an administrator's")
        .isEqualTo(201);
  }

  @Test
  void theOwningTeamIsShownAndAdministratorsSubscriptionsHaveNone() {
    String id =
        api.post(
                "/api/v1/webhooks",
                "{\"url\": \"" + URL + "\", \"events\": [\"*\"], \"team\": \"vision\"}")
            .json()
            .get("id")
            .asString();
    String admins =
        api.post("/api/v1/webhooks", "{\"url\": \"" + URL + "\", \"events\": [\"*\"]}")
            .json()
            .get("id")
            .asString();

    assertThat(api.get("/api/v1/webhooks/" + id).json().get("team").asString()).isEqualTo("vision");
    assertThat(api.get("/api/v1/webhooks/" + admins).json().get("team").isNull()).isTrue();
  }

  @Test
  void unreadableBodiesAre400() {
    api.post("/api/v1/webhooks", "{\"url\": ").problem(400, "malformed-json");
    api.post("/api/v1/webhooks", "").problem(400, "malformed-json");
    api.send(
            HttpRequest.newBuilder(api.uri("/api/v1/webhooks"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")))
        .problem(415, "unsupported-media-type");
  }

  @Test
  void badIdsAndParametersAreProblemsNot500() {
    String unknown = UUID.randomUUID().toString();

    api.get("/api/v1/webhooks/not-a-uuid").problem(400, "invalid-parameter");
    api.get("/api/v1/webhooks/not-a-uuid/deliveries").problem(400, "invalid-parameter");
    delete("not-a-uuid").problem(400, "invalid-parameter");
    api.get("/api/v1/webhooks/" + unknown).problem(404, "not-found");
    api.get("/api/v1/webhooks/" + unknown + "/deliveries").problem(404, "not-found");
    api.get("/api/v1/webhooks?limit=0").problem(400, "invalid-parameter");
    api.get("/api/v1/webhooks?cursor=forged").problem(400, "invalid-parameter");
    String id =
        api.post("/api/v1/webhooks", "{\"url\": \"" + URL + "\", \"events\": [\"*\"]}")
            .json()
            .get("id")
            .asString();
    api.get("/api/v1/webhooks/" + id + "/deliveries?state=LOST").problem(400, "invalid-parameter");
    api.get("/api/v1/webhooks/" + id + "/deliveries?limit=501").problem(400, "invalid-parameter");
    api.get("/api/v1/webhooks/" + id + "/deliveries?cursor=abc.def")
        .problem(400, "invalid-parameter");
  }

  private Api.Response delete(String id) {
    return api.send(HttpRequest.newBuilder(api.uri("/api/v1/webhooks/" + id)).DELETE());
  }

  private int webhookCount() {
    return jdbc.sql("SELECT count(*) FROM webhooks").query(Integer.class).single();
  }
}
