package io.baton.orchestrator.auth;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.net.http.HttpRequest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route the application exposes, read from its handler mappings and servlets, against every
 * kind of caller: anonymous, a viewer, member and maintainer of team A, a member of team B, an
 * admin and a node agent. A route without a row here fails the build.
 *
 * <p>Statuses are exact; {@link #OK} stands for "the handler ran": any status but 401, 403 and 404,
 * and no 5xx.
 */
class AuthorizationMatrixIT extends IntegrationTest {

  /** The handler ran: not 401, 403 or 404, and no 5xx (409 and 422 are the handler's answers). */
  static final int OK = -1;

  static final int ANON = 0;
  static final int VIEWER_A = 1;
  static final int MEMBER_A = 2;
  static final int MAINTAINER_A = 3;
  static final int MEMBER_B = 4;
  static final int ADMIN = 5;
  static final int NODE = 6;
  static final List<String> CALLERS =
      List.of("anonymous", "viewer A", "member A", "maintainer A", "member B", "admin", "node");

  /** What each caller gets: anonymous, viewerA, memberA, maintainerA, memberB, admin, node. */
  record Row(int... statuses) {}

  /** Public routes: everyone, node tokens too. */
  static final Row PUBLIC = new Row(OK, OK, OK, OK, OK, OK, OK);

  /** Reading an object of team A: its team's roles see it; team B does not know it exists. */
  static final Row READ_A = new Row(401, OK, OK, OK, 404, OK, 403);

  /** A list: every user gets it (filtered to what it may see). */
  static final Row LIST = new Row(401, OK, OK, OK, OK, OK, 403);

  /** An action of a member of team A on an object of team A. */
  static final Row MEMBER_ACTION_A = new Row(401, 403, OK, OK, 404, OK, 403);

  /** An action of a maintainer of team A on an object of team A. */
  static final Row MAINTAINER_ACTION_A = new Row(401, 403, 403, OK, 404, OK, 403);

  /** The platform's own routes. */
  static final Row ADMIN_ONLY = new Row(401, 403, 403, 403, 403, OK, 403);

  static final Map<String, Row> MATRIX = new LinkedHashMap<>();

  static {
    for (String route :
        List.of(
            "GET /actuator/health",
            "GET /actuator/health/**",
            "GET /actuator/info",
            "GET /v3/api-docs",
            "GET /v3/api-docs.yaml",
            "GET /v3/api-docs/swagger-config",
            "GET /swagger-ui.html",
            "GET /swagger-ui/**",
            "GET /swagger-ui/*swagger-initializer.js")) {
      MATRIX.put(route, PUBLIC);
    }
    // The error path asked for directly: there is no such page, for anyone.
    MATRIX.put("* /error", new Row(404, 404, 404, 404, 404, 404, 404));
    for (String route :
        List.of(
            "GET /actuator",
            "GET /actuator/metrics",
            "GET /actuator/metrics/{requiredMetricName}",
            "POST /api/v1/admin/scheduler/rounds",
            "POST /api/v1/admin/nodes/{name}/tokens",
            "POST /api/v1/admin/node-tokens",
            "DELETE /api/v1/simulation/faults",
            "GET /api/v1/audit",
            "GET /api/v1/admin/isolations")) {
      MATRIX.put(route, ADMIN_ONLY);
    }
    // No such isolation: the admin gets the handler's 404.
    MATRIX.put(
        "PUT /api/v1/admin/isolations/{node}/{chip}/hold",
        new Row(401, 403, 403, 403, 403, 404, 403));
    MATRIX.put(
        "DELETE /api/v1/admin/isolations/{node}/{chip}/hold",
        new Row(401, 403, 403, 403, 403, 404, 403));
    // The shared test context runs no simulated agents: the admin gets the handler's 404.
    MATRIX.put("POST /api/v1/simulation/faults", new Row(401, 403, 403, 403, 403, 404, 403));
    // No such token of that node: the admin gets the handler's 404.
    MATRIX.put(
        "DELETE /api/v1/admin/nodes/{name}/tokens/{id}",
        new Row(401, 403, 403, 403, 403, 404, 403));
    // Any identity reads the fleet's metrics: a scraper need not hold an admin's token.
    MATRIX.put("GET /actuator/prometheus", LIST);
    // Jobs: submit names its team in the body, so team B is refused (403), not hidden.
    MATRIX.put("POST /api/v1/jobs", new Row(401, 403, OK, OK, 403, OK, 403));
    MATRIX.put("GET /api/v1/jobs", LIST);
    MATRIX.put("GET /api/v1/jobs/{id}", READ_A);
    MATRIX.put("GET /api/v1/jobs/{id}/progress", READ_A);
    MATRIX.put("GET /api/v1/jobs/{id}/events", READ_A);
    MATRIX.put("GET /api/v1/jobs/{id}/logs", READ_A);
    MATRIX.put("GET /api/v1/jobs/{id}/goodput", READ_A);
    // The goodput ledger's sums: every user, covering only the teams it sees.
    MATRIX.put("GET /api/v1/goodput", LIST);
    MATRIX.put("POST /api/v1/jobs/{id}/cancel", MEMBER_ACTION_A);
    // Checkpoints and promotions belong to their job's team.
    MATRIX.put("GET /api/v1/checkpoints", LIST);
    MATRIX.put("GET /api/v1/checkpoints/{id}", READ_A);
    MATRIX.put("GET /api/v1/promotions", LIST);
    MATRIX.put("GET /api/v1/promotions/{id}", READ_A);
    // Team B names a checkpoint it cannot see: 422 "no checkpoint with id", as for a wrong id.
    MATRIX.put("POST /api/v1/promotions", new Row(401, 403, OK, OK, 422, OK, 403));
    MATRIX.put("POST /api/v1/promotions/{id}/approve", MAINTAINER_ACTION_A);
    MATRIX.put("POST /api/v1/promotions/{id}/reject", MAINTAINER_ACTION_A);
    // Endpoints belong to the team that first promoted to them.
    MATRIX.put("GET /api/v1/endpoints", LIST);
    MATRIX.put("GET /api/v1/endpoints/{name}", READ_A);
    MATRIX.put("GET /api/v1/endpoints/{name}/revisions", READ_A);
    MATRIX.put("GET /api/v1/endpoints/{name}/rollouts", READ_A);
    MATRIX.put(
        "GET /api/v1/endpoints/{name}/rollouts/{id}", new Row(401, 404, 404, 404, 404, 404, 403));
    MATRIX.put("POST /api/v1/endpoints/{name}/rollback", MAINTAINER_ACTION_A);
    // Webhooks belong to the team that created them.
    MATRIX.put("GET /api/v1/webhooks", LIST);
    MATRIX.put("POST /api/v1/webhooks", new Row(401, 403, 403, OK, 403, OK, 403));
    MATRIX.put("GET /api/v1/webhooks/{id}", READ_A);
    MATRIX.put("DELETE /api/v1/webhooks/{id}", MAINTAINER_ACTION_A);
    MATRIX.put("GET /api/v1/webhooks/{id}/deliveries", READ_A);
    // Tokens: a maintainer of team A issues team A's grants; a token sees itself.
    MATRIX.put("GET /api/v1/tokens", LIST);
    MATRIX.put("POST /api/v1/tokens", new Row(401, 403, 403, OK, 403, OK, 403));
    MATRIX.put("DELETE /api/v1/tokens/{id}", new Row(401, 404, 404, OK, 404, OK, 403));
    // The fleet and the event feed: every user (the feed filtered).
    MATRIX.put("GET /api/v1/pools", LIST);
    MATRIX.put("GET /api/v1/pools/{name}", LIST);
    MATRIX.put("GET /api/v1/nodes", LIST);
    MATRIX.put("GET /api/v1/nodes/{name}", LIST);
    MATRIX.put("GET /api/v1/events", LIST);
    MATRIX.put("GET /api/v1/events/stream", LIST);
    // The dashboard: its page shell, assets and login configuration carry no data (public); its
    // read models are every user's (the overview's jobs and events filtered to what it may see).
    for (String route :
        List.of(
            "GET /",
            "GET /jobs",
            "GET /jobs/{id}",
            "GET /nodes",
            "GET /promotions",
            "GET /endpoints",
            "GET /endpoints/{name}",
            "GET /login",
            "GET /login/callback",
            "GET /ui/**",
            "GET /ui/v/**",
            "GET /webjars/**",
            "GET /api/v1/dashboard/config")) {
      MATRIX.put(route, PUBLIC);
    }
    MATRIX.put("GET /api/v1/me", LIST);
    MATRIX.put("GET /api/v1/dashboard/overview", LIST);
    MATRIX.put("GET /api/v1/dashboard/pools/{pool}/chips", LIST);
    MATRIX.put("GET /api/v1/dashboard/nodes/{name}/history", LIST);
    // The agents' path: node tokens only (a user token is no node token: 401).
    MATRIX.put("POST /api/v1/agents/reports", new Row(401, 401, 401, 401, 401, 401, OK));
  }

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  @Autowired JdbcClient jdbc;

  private final String teamA = "ma" + UUID.randomUUID().toString().substring(0, 8);
  private final String teamB = "mb" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void everyRouteHasAnEntryAndEveryCallerGetsWhatItSays() {
    TreeSet<String> routes = routes();
    assertThat(routes).as("routes of the running application").hasSizeGreaterThan(40);
    assertThat(new TreeSet<>(routes))
        .as("routes without a row in the authorization matrix")
        .isSubsetOf(MATRIX.keySet());

    Api admin = new Api(port, adminToken());
    List<Api> callers = callers(admin);
    Fixtures fixtures = new Fixtures(admin);
    List<String> wrong = new ArrayList<>();
    for (String route : routes) {
      Row row = MATRIX.get(route);
      for (int caller = 0; caller < CALLERS.size(); caller++) {
        Api.Response response = call(callers.get(caller), route, fixtures);
        int expected = row.statuses()[caller];
        int status = response.status();
        boolean ok =
            expected == OK
                ? status != 401 && status != 403 && status != 404 && status < 500
                : status == expected;
        if (!ok) {
          wrong.add(
              route
                  + " as "
                  + CALLERS.get(caller)
                  + ": "
                  + status
                  + " (expected "
                  + (expected == OK ? "the handler's answer" : expected)
                  + ") "
                  + response.body().substring(0, Math.min(200, response.body().length())));
        }
        if (status == 401 || status == 403 || status == 404 && expected == 404) {
          assertThat(response.header("Content-Type"))
              .as("%s as %s", route, CALLERS.get(caller))
              .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        }
      }
    }
    assertThat(wrong).as("statuses that differ from the matrix").isEmpty();
  }

  /** "METHOD /pattern" of every handler method, actuator endpoint and servlet. */
  private TreeSet<String> routes() {
    TreeSet<String> routes = new TreeSet<>();
    for (HandlerMapping mapping : context.getBeansOfType(HandlerMapping.class).values()) {
      if (mapping instanceof RequestMappingHandlerMapping handlers) {
        handlers.getHandlerMethods().keySet().forEach(info -> routes.addAll(keys(info)));
      } else if (mapping
          instanceof
          org.springframework.boot.webmvc.actuate.endpoint.web.WebMvcEndpointHandlerMapping
              actuator) {
        actuator.getHandlerMethods().keySet().forEach(info -> routes.addAll(keys(info)));
      }
    }
    // Static files (the dashboard's assets): every pattern of the resource handlers.
    for (SimpleUrlHandlerMapping mapping :
        context.getBeansOfType(SimpleUrlHandlerMapping.class).values()) {
      mapping.getHandlerMap().keySet().forEach(pattern -> routes.add("GET " + pattern));
    }
    for (ServletRegistrationBean<?> servlet :
        context.getBeansOfType(ServletRegistrationBean.class).values()) {
      for (String url : servlet.getUrlMappings()) {
        if (!url.equals("/") && !url.equals("/*")) {
          routes.add("POST " + url);
        }
      }
    }
    return routes;
  }

  private static List<String> keys(RequestMappingInfo info) {
    List<String> keys = new ArrayList<>();
    var methods = info.getMethodsCondition().getMethods();
    for (String pattern : info.getPatternValues()) {
      String path = pattern.replace("{*path}", "**");
      if (methods.isEmpty()) {
        keys.add("* " + path);
      }
      methods.forEach(m -> keys.add(m.name() + " " + path));
    }
    return keys;
  }

  private List<Api> callers(Api admin) {
    Api anonymous = admin.as(null);
    String node =
        admin
            .post("/api/v1/admin/nodes/matrix-node-1/tokens", "{\"pool\":\"ascend-910b\"}")
            .json()
            .get("token")
            .asString();
    return List.of(
        anonymous,
        admin.as(token(admin, teamA, "viewer")),
        admin.as(token(admin, teamA, "member")),
        admin.as(token(admin, teamA, "maintainer")),
        admin.as(token(admin, teamB, "member")),
        admin,
        admin.as(node));
  }

  private static String token(Api admin, String team, String role) {
    return admin
        .post(
            "/api/v1/tokens",
            "{\"name\":\""
                + role
                + "\",\"grants\":[{\"team\":\""
                + team
                + "\",\"role\":\""
                + role
                + "\"}]}")
        .json()
        .get("token")
        .asString();
  }

  /** Objects of team A for the routes to address: fresh ones where a route changes them. */
  private final class Fixtures {
    final Api admin;
    final String job;
    final String checkpoint;
    final String promotion;
    final String endpoint = "matrix-" + UUID.randomUUID().toString().substring(0, 8);

    /** The versioned prefix the dashboard's shell loads its modules from. */
    final String modules;

    /** A subscription of team A; replaced when a route deletes it (teams have a cap). */
    String webhook;

    Fixtures(Api admin) {
      this.admin = admin;
      java.util.regex.Matcher shell =
          java.util.regex.Pattern.compile("src=\"(/ui/v/[0-9a-f]+/)app.js\"")
              .matcher(admin.as(null).get("/").body());
      assertThat(shell.find()).as("the shell names its versioned modules").isTrue();
      this.modules = shell.group(1);
      this.job = newJob();
      this.webhook = newWebhook();
      OffsetDateTime now = OffsetDateTime.now();
      this.checkpoint = UUID.randomUUID().toString();
      jdbc.sql(
              """
              INSERT INTO checkpoints (id, job_id, step, path, rank, reported_at, data)
              VALUES (CAST(:id AS uuid), CAST(:job AS uuid), 100, 'step-100/model.bin', 0, :now,
                      '{}')
              """)
          .param("id", checkpoint)
          .param("job", job)
          .param("now", now)
          .update();
      this.promotion = UUID.randomUUID().toString();
      jdbc.sql(
              """
              INSERT INTO promotions (id, job_id, checkpoint_id, endpoint, state, trigger, policy,
                                      actor, created_at, updated_at, ended_at)
              VALUES (CAST(:id AS uuid), CAST(:job AS uuid), CAST(:ck AS uuid), :endpoint,
                      'REJECTED', 'api', '{"endpoint":"x"}', 'test', :now, :now, :now)
              """)
          .param("id", promotion)
          .param("job", job)
          .param("ck", checkpoint)
          .param("endpoint", endpoint)
          .param("now", now)
          .update();
      jdbc.sql(
              """
              INSERT INTO endpoints (name, pool, state, desired_replicas, created_at, updated_at,
                                     team)
              VALUES (:name, 'nvidia-h100', 'EMPTY', 1, :now, :now, :team)
              """)
          .param("name", endpoint)
          .param("now", now)
          .param("team", teamA)
          .update();
    }

    String newJob() {
      return admin
          .post("/api/v1/jobs", aSpec().with("team", teamA).json())
          .json()
          .get("id")
          .asString();
    }

    String newWebhook() {
      return admin
          .post(
              "/api/v1/webhooks",
              "{\"url\":\"https://hooks.example.com/baton\",\"events\":[\"job.*\"],\"team\":\""
                  + teamA
                  + "\"}")
          .json()
          .get("id")
          .asString();
    }

    String newToken() {
      return admin
          .post(
              "/api/v1/tokens",
              "{\"name\":\"to-revoke\",\"grants\":[{\"team\":\""
                  + teamA
                  + "\",\"role\":\"viewer\"}]}")
          .json()
          .get("id")
          .asString();
    }
  }

  /** One request of the route, its path variables filled with team A's objects. */
  private Api.Response call(Api api, String route, Fixtures f) {
    String method = route.substring(0, route.indexOf(' '));
    String path = route.substring(route.indexOf(' ') + 1);
    String id =
        path.startsWith("/api/v1/jobs/") || path.startsWith("/jobs/")
            ? (path.endsWith("/cancel") ? f.newJob() : f.job)
            : path.startsWith("/api/v1/checkpoints/")
                ? f.checkpoint
                : path.startsWith("/api/v1/promotions/")
                    ? f.promotion
                    : path.startsWith("/api/v1/webhooks/")
                        ? f.webhook
                        : path.startsWith("/api/v1/tokens/")
                            ? f.newToken()
                            : UUID.randomUUID().toString();
    String concrete =
        path.replace("/swagger-ui/*swagger-initializer.js", "/swagger-ui/swagger-initializer.js")
            .replace("/swagger-ui/**", "/swagger-ui/index.html")
            .replace("/ui/v/**", f.modules + "app.js")
            .replace("/ui/**", "/ui/app.js")
            .replace("/webjars/**", "/webjars/uplot/1.6.30/dist/uPlot.esm.js")
            .replace("/dashboard/nodes/{name}/", "/dashboard/nodes/ascend-910b-0/")
            .replace("{pool}", "ascend-910b")
            .replace("/jobs/{id}", "/jobs/" + id)
            .replace("{id}", id)
            .replace("/nodes/{name}/", "/nodes/matrix-node-2/")
            .replace("/api/v1/nodes/{name}", "/api/v1/nodes/ascend-910b-0")
            .replace("/api/v1/pools/{name}", "/api/v1/pools/ascend-910b")
            .replace("{node}/{chip}", "matrix-nowhere/0")
            .replace("{name}", f.endpoint)
            .replace("{requiredMetricName}", "jvm.threads.live")
            .replace("/**", "/liveness");
    if (concrete.startsWith("/api/v1/events/stream")) {
      concrete += "?after=0";
    }
    String body = body(method, concrete, f);
    HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(concrete));
    if (concrete.equals("/api/v1/events/stream") || concrete.startsWith("/api/v1/events/stream")) {
      request.timeout(java.time.Duration.ofSeconds(5));
    }
    switch (method) {
      case "GET", "*" -> request.GET();
      case "DELETE" -> request.DELETE();
      default ->
          request
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    Api.Response response =
        concrete.startsWith("/api/v1/events/stream") ? stream(api, request) : api.send(request);
    if (route.equals("DELETE /api/v1/webhooks/{id}") && response.status() == 204) {
      f.webhook = f.newWebhook();
    }
    return response;
  }

  /** The first bytes of a stream: its status is what the matrix checks. */
  private static Api.Response stream(Api api, HttpRequest.Builder request) {
    return api.sendExpectingStream(request);
  }

  private String body(String method, String path, Fixtures f) {
    if (!method.equals("POST")) {
      return "";
    }
    return switch (path) {
      case "/api/v1/jobs" -> aSpec().with("team", teamA).json();
      case "/api/v1/promotions" ->
          "{\"checkpointId\":\"" + f.checkpoint + "\",\"endpoint\":\"" + f.endpoint + "\"}";
      case "/api/v1/webhooks" ->
          "{\"url\":\"https://hooks.example.com/baton\",\"events\":[\"job.*\"],\"team\":\""
              + teamA
              + "\"}";
      case "/api/v1/tokens" ->
          "{\"name\":\"x\",\"grants\":[{\"team\":\"" + teamA + "\",\"role\":\"viewer\"}]}";
      case "/api/v1/simulation/faults" ->
          "{\"node\":\"ascend-910b-3\",\"chip\":7,\"health\":\"OK\"}";
      case "/api/v1/admin/node-tokens" ->
          "{\"pool\":\"ascend-910b\",\"nodes\":[\"matrix-node-3\"]}";
      case "/api/v1/agents/reports" -> "{}";
      default -> path.startsWith("/api/v1/admin/nodes/") ? "{\"pool\":\"ascend-910b\"}" : "{}";
    };
  }
}
