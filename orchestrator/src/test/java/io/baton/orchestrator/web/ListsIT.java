package io.baton.orchestrator.web;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.Rows;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Every list of the API pages the same way: {@code {items, nextCursor}}, bounded limits. */
class ListsIT extends IntegrationTest {

  private static final UUID NONE = new UUID(0, 1);
  private static final List<String> LISTS =
      List.of(
          "/api/v1/jobs",
          "/api/v1/jobs/" + NONE + "/events",
          "/api/v1/events",
          "/api/v1/nodes",
          "/api/v1/pools",
          "/api/v1/checkpoints",
          "/api/v1/promotions",
          "/api/v1/endpoints",
          "/api/v1/endpoints/nope/revisions",
          "/api/v1/endpoints/nope/rollouts",
          "/api/v1/webhooks",
          "/api/v1/webhooks/" + NONE + "/deliveries");

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  Api api;
  Rows rows;

  @BeforeEach
  void setUp() {
    api = new Api(port, adminToken());
    rows = new Rows(jdbc);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "501", "99999999999"})
  void everyListRefusesALimitOutsideOneTo500(String limit) {
    for (String list : LISTS) {
      api.get(list + "?limit=" + limit).problem(400, "invalid-parameter");
    }
  }

  @Test
  void endpointsPageByName() {
    String prefix = "lists-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> mine = List.of(prefix + "-a", prefix + "-b", prefix + "-c");
    mine.forEach(rows::endpoint);

    List<String> names = new ArrayList<>();
    for (JsonNode page : pages("/api/v1/endpoints", 2)) {
      assertThat(page.get("items").size()).isBetween(1, 2);
      page.get("items").forEach(e -> names.add(e.get("name").asString()));
    }

    assertThat(names).isSorted().doesNotHaveDuplicates().containsAll(mine);
  }

  @Test
  void revisionsPageNewestFirstAndEachKeepsThePeriodsItServed() {
    UUID job = cancelledJob();
    String endpoint = "lists-" + job.toString().substring(0, 8);
    rows.endpoint(endpoint);
    for (int r = 1; r <= 3; r++) {
      rows.revision(endpoint, r, rows.checkpoint(job, r * 100L), job);
    }
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    UUID first = rows.succeededRollout(endpoint, 1, t);
    rows.succeededRollout(endpoint, 2, t.plusSeconds(60));
    rows.succeededRollout(endpoint, 3, t.plusSeconds(120));
    UUID back = rows.succeededRollout(endpoint, 1, t.plusSeconds(180));

    List<JsonNode> pages = pages("/api/v1/endpoints/" + endpoint + "/revisions", 2);

    assertThat(pages).hasSize(2);
    assertThat(pages.get(0).get("endpoint").asString()).isEqualTo(endpoint);
    assertThat(pages.get(0).get("items"))
        .extracting(r -> r.get("revision").asInt())
        .containsExactly(3, 2);
    assertThat(pages.get(1).get("items"))
        .extracting(r -> r.get("revision").asInt())
        .containsExactly(1);
    assertThat(pages.get(1).get("nextCursor").isNull()).isTrue();
    JsonNode three = pages.get(0).at("/items/0/served");
    assertThat(three).hasSize(1);
    assertThat(Instant.parse(three.at("/0/until").asString())).isEqualTo(t.plusSeconds(180));
    JsonNode one = pages.get(1).at("/items/0/served");
    assertThat(one)
        .extracting(p -> p.get("rolloutId").asString())
        .containsExactly(first.toString(), back.toString());
    assertThat(Instant.parse(one.at("/0/until").asString())).isEqualTo(t.plusSeconds(60));
    assertThat(one.at("/1/until").isNull()).isTrue();
  }

  @Test
  void rolloutsPageNewestFirst() {
    UUID job = cancelledJob();
    String endpoint = "lists-" + job.toString().substring(0, 8);
    rows.endpoint(endpoint);
    rows.revision(endpoint, 1, rows.checkpoint(job, 100), job);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<String> newestFirst = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      newestFirst.add(0, rows.succeededRollout(endpoint, 1, t.plusSeconds(i)).toString());
    }

    List<JsonNode> pages = pages("/api/v1/endpoints/" + endpoint + "/rollouts", 3);

    assertThat(pages).hasSize(2);
    List<String> ids = new ArrayList<>();
    pages.forEach(p -> p.get("items").forEach(r -> ids.add(r.get("id").asString())));
    assertThat(ids).isEqualTo(newestFirst);
  }

  @Test
  void poolsPageInConfigurationOrder() {
    List<JsonNode> pages = pages("/api/v1/pools", 1);

    assertThat(pages).hasSize(2);
    assertThat(pages.get(0).at("/items/0/name").asString()).isEqualTo("ascend-910b");
    assertThat(pages.get(1).at("/items/0/name").asString()).isEqualTo("nvidia-h100");
  }

  @Test
  void aCursorOfOneListIsRefusedByAnother() {
    rows.endpoint("lists-cursor-a-" + UUID.randomUUID());
    rows.endpoint("lists-cursor-b-" + UUID.randomUUID());
    String cursor = api.get("/api/v1/endpoints?limit=1").json().get("nextCursor").asString();

    api.get("/api/v1/pools?cursor=" + encode(cursor)).problem(400, "invalid-parameter");
    api.get("/api/v1/endpoints/x/rollouts?cursor=" + encode(cursor))
        .problem(400, "invalid-parameter");
  }

  /** Every page of a list, following nextCursor. */
  private List<JsonNode> pages(String list, int limit) {
    List<JsonNode> pages = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          api.get(list + "?limit=" + limit + (cursor == null ? "" : "&cursor=" + encode(cursor)))
              .json();
      assertThat(page.has("items")).as("page of %s: %s", list, page).isTrue();
      pages.add(page);
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
    } while (cursor != null);
    return pages;
  }

  private UUID cancelledJob() {
    String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    api.post("/api/v1/jobs/" + id + "/cancel", "");
    return UUID.fromString(id);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
