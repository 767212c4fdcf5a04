package io.baton.orchestrator.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.Specs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard in a real browser (Debian's Chromium, headless, driven by Playwright) against the
 * whole orchestrator: embedded PostgreSQL, the local backend with simulated agents, the real demo
 * trainer and demo server, and an OpenID provider on loopback. Every page is saved as a screenshot
 * to {@code docs/dashboard/}.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.main.banner-mode=off",
      "baton.cluster.local.agent-interval=500ms",
      // Generous: on a busy machine a 3 s timeout loses nodes whose reports are merely late.
      "baton.nodes.timeout=15s",
      "baton.scheduler.tick-interval=500ms",
      "baton.recovery.reconcile-interval=300ms",
      "baton.promotion.reconcile-interval=200ms",
      "baton.endpoints.reconcile-interval=200ms",
      // Streams end (and are reopened) every few seconds, as they would after 30 minutes.
      "baton.events.stream-timeout=6s",
      "baton.security.oidc.audiences=baton",
      "baton.security.oidc.dashboard-client-id=baton-dashboard",
      "baton.security.rate-limits.read-burst=100000",
      "baton.security.rate-limits.write-burst=100000"
    })
class DashboardBrowserIT {

  private static final Logger log = LoggerFactory.getLogger(DashboardBrowserIT.class);
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path SCREENSHOTS = Path.of("..", "docs", "dashboard");
  private static final Path DEMO =
      Path.of("..", "examples", "target", "baton-examples.jar").toAbsolutePath();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Path DATA_DIR = tempDir();
  private static final String TEAM = "vision";
  private static final LoopbackIdentityProvider IDP =
      new LoopbackIdentityProvider("baton-dashboard", "alice", List.of("baton-vision-viewer"));
  private static final Duration LONG = Duration.ofSeconds(180);

  /**
   * Bounds for what the system does (a launch, a restart, a rollout), generous on a busy machine.
   */
  private static final double LONG_MS = LONG.toMillis();

  private static Playwright playwright;
  private static Browser browser;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("baton.data-dir", DATA_DIR::toString);
    registry.add("baton.security.oidc.issuer-uri", IDP::issuer);
    registry.add(
        "baton.endpoints.server-command",
        () ->
            "java,-Xmx64m,-XX:TieredStopAtLevel=1,-jar,"
                + DEMO
                + ",serve,--checkpoint,$(BATON_MODEL),--port,$(PORT)");
  }

  @LocalServerPort int port;
  Api admin;
  BrowserContext context;
  Page page;
  final List<String> pageErrors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void launch() {
    if (!Files.isExecutable(CHROMIUM)) {
      String why =
          CHROMIUM + " is missing: install Debian's chromium (apt-get install -y chromium)";
      if (System.getenv("CI") != null) {
        throw new IllegalStateException("The dashboard's browser tests need Chromium; " + why);
      }
      log.warn("Skipping the dashboard's browser tests: {}", why);
      Assumptions.abort(why);
    }
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run")));
    PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
  }

  @AfterAll
  static void close() {
    if (playwright != null) {
      playwright.close();
    }
    IDP.close();
  }

  @BeforeEach
  void open() throws IOException {
    assertThat(DEMO).as("the demo model is built before the orchestrator's tests").exists();
    admin = new Api(port, IntegrationTest.adminToken(DATA_DIR));
    context =
        browser.newContext(
            new Browser.NewContextOptions()
                .setBaseURL("http://127.0.0.1:" + port)
                .setViewportSize(1400, 1000));
    page = context.newPage();
    page.onPageError(pageErrors::add);
    page.onConsoleMessage(
        m -> {
          if (m.text().contains("Content Security Policy") || m.text().contains("SyntaxError")) {
            pageErrors.add(m.text());
          }
        });
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterEach
  void closeContext() {
    context.close();
    assertThat(pageErrors).as("script errors and policy violations in the page").isEmpty();
  }

  @Test
  void theJobPageGoesRunningWithAGrowingLossCurveAndShowsTheRestartAfterAChipFault() {
    String id = admin.submitJob(demoJob("dash-train", 1500, 20, 100).toString());

    page.navigate("/jobs/" + id);
    logIn(token(TEAM, "member"));
    assertThat(page).hasURL("http://127.0.0.1:" + port + "/jobs/" + id);
    Locator state = page.locator("#job-head .state");
    assertThat(state)
        .hasText("RUNNING", new LocatorAssertions.HasTextOptions().setTimeout(LONG_MS));
    assertThat(page.locator("#live")).hasText("Live");
    assertThat(page.locator("table.placement tbody tr")).hasCount(2);

    Locator chart = page.locator("#loss-chart");
    assertThat(chart.locator("canvas")).isVisible();
    int first = await().atMost(LONG).until(() -> points(chart), n -> n >= 2);
    await().atMost(LONG).until(() -> points(chart), n -> n > first + 3);

    // A chip of its first node fails once a checkpoint exists: the restart appears, live.
    JsonNode job =
        await()
            .atMost(LONG)
            .until(
                () -> admin.get("/api/v1/jobs/" + id).json(),
                j ->
                    !j.path("latestCheckpoint").isNull()
                        && j.get("state").asString().equals("RUNNING"));
    String node = job.at("/placement/0/node").asString();
    int chip = job.at("/placement/0/chips/0").asInt();
    Api.Response fault =
        admin.post(
            "/api/v1/simulation/faults",
            "{\"node\":\"" + node + "\",\"chip\":" + chip + ",\"health\":\"FAULT\"}");
    assertThat(fault.status()).as(fault.body()).isLessThan(300);
    try {
      // The chip's failure (a busy machine may add a lost node's: both are infrastructure).
      assertThat(page.locator("tr.restart").first())
          .containsText(
              "infrastructure failure",
              new LocatorAssertions.ContainsTextOptions().setTimeout(LONG_MS));
      assertThat(page.locator("tr.restart").filter(new Locator.FilterOptions().setHasText("FAULT")))
          .not()
          .hasCount(0);
      assertThat(state)
          .hasText("RUNNING", new LocatorAssertions.HasTextOptions().setTimeout(LONG_MS));
      screenshot("job");

      page.navigate("/nodes?pool=ascend-910b");
      Locator faulty =
          page.locator("button.chip[data-node='" + node + "'][data-chip='" + chip + "']");
      assertThat(faulty).hasAttribute("aria-label", node + " chip " + chip + ": FAULT");
      faulty.click();
      assertThat(page.locator("#chip-detail")).containsText("FAULT");
      assertThat(page.locator("#chip-detail")).containsText("chip.health");
      screenshot("nodes");
    } finally {
      admin.send(
          java.net.http.HttpRequest.newBuilder(admin.uri("/api/v1/simulation/faults")).DELETE());
    }

    page.navigate("/");
    // The job may be running, recovering or done by now on a busy machine: the pool is shown.
    assertThat(page.locator("[data-pool='ascend-910b'] [data-field='in-use']"))
        .containsText("schedulable");
    assertThat(page.locator("[data-pool='ascend-910b'] [data-field='running']")).isVisible();
    screenshot("overview");
    page.navigate("/jobs?team=" + TEAM);
    assertThat(page.locator("tr[data-job='" + id + "']")).containsText("RUNNING");
    screenshot("jobs");

    // A member may cancel its team's job: the button is there and works.
    page.navigate("/jobs/" + id);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel job")).click();
    assertThat(state)
        .hasText("CANCELLED", new LocatorAssertions.HasTextOptions().setTimeout(LONG_MS));
  }

  @Test
  void aMaintainerApprovesAPromotionAndRollsBackTheEndpoint() {
    String jobId = admin.submitJob(demoJob("dash-promote", 150, 15, 25).toString());
    await()
        .atMost(LONG)
        .until(
            () -> admin.get("/api/v1/jobs/" + jobId).json().get("state").asString(),
            s -> s.equals("SUCCEEDED"));
    JsonNode checkpoints =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> admin.get("/api/v1/checkpoints?jobId=" + jobId).json().get("items"),
                items -> items.size() >= 2);
    String endpoint = "dash-" + UUID.randomUUID().toString().substring(0, 6);
    String first = promote(checkpoints.get(1).get("id").asString(), endpoint, false);
    awaitPromotion(first, "ACTIVE");
    String second = promote(checkpoints.get(0).get("id").asString(), endpoint, true);
    awaitPromotion(second, "AWAITING_APPROVAL");

    page.navigate("/promotions");
    logIn(token(TEAM, "maintainer"));
    Locator card = page.locator("[data-promotion='" + second + "']");
    assertThat(card.locator(".state").first()).hasText("AWAITING_APPROVAL");
    assertThat(card).containsText("eval_accuracy");
    assertThat(card).containsText("vs tolerance");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Approve")).click();
    assertThat(card.locator(".state").first())
        .hasText("ACTIVE", new LocatorAssertions.HasTextOptions().setTimeout(LONG_MS));
    screenshot("promotions");

    page.navigate("/endpoints/" + endpoint);
    Locator revision = page.locator("[data-endpoint='" + endpoint + "'] [data-field='revision']");
    assertThat(revision).containsText("2 —");
    page.locator("[data-endpoint='" + endpoint + "']")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rollback"))
        .click();
    assertThat(revision)
        .containsText("1 —", new LocatorAssertions.ContainsTextOptions().setTimeout(LONG_MS));
    assertThat(page.locator("[data-endpoint='" + endpoint + "'] tr.rollout").first())
        .containsText("ROLLBACK");
    assertThat(page.locator("[data-endpoint='" + endpoint + "'] .bar")).hasCount(3);
    screenshot("endpoints");

    // A member of another team sees none of it; a viewer of the team sees it without buttons.
    page.navigate("/login");
    logIn(token("other", "member"));
    page.navigate("/jobs");
    assertThat(page.locator("#jobs-list")).hasText("No jobs match.");
    page.navigate("/jobs/" + jobId);
    assertThat(page.locator("main")).containsText("No job with id");
    page.navigate("/promotions");
    assertThat(page.locator("#promotions-list")).hasText("No promotions.");
    page.navigate("/endpoints");
    assertThat(page.locator("#endpoints-list")).hasText("No endpoints.");
    page.navigate("/endpoints/" + endpoint);
    assertThat(page.locator("main")).containsText("No endpoint");

    page.navigate("/login");
    logIn(token(TEAM, "viewer"));
    page.navigate("/endpoints/" + endpoint);
    assertThat(page.locator("[data-endpoint='" + endpoint + "']")).isVisible();
    assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Rollback")))
        .hasCount(0);
  }

  @Test
  void aLostStreamShowsAndResumesFromTheLastEventSeen() {
    List<String> lastEventIds = new CopyOnWriteArrayList<>();
    page.onRequest(
        r -> {
          if (r.url().contains("/api/v1/events/stream")) {
            lastEventIds.add(String.valueOf(r.allHeaders().get("last-event-id")));
          }
        });
    page.navigate("/jobs?team=" + TEAM);
    logIn(token(TEAM, "member"));
    Locator live = page.locator("#live");
    assertThat(live).hasText("Live");
    // Events of the team reach the page, so the stream has an id to resume from; then all is quiet.
    String seen = admin.submitJob(sleeper());
    cancel(seen);
    assertThat(page.locator("tr[data-job='" + seen + "']")).containsText("CANCELLED");

    page.route("**/api/v1/events/stream", route -> route.abort());
    assertThat(live)
        .hasText(
            "Connection lost: reconnecting…",
            new LocatorAssertions.HasTextOptions().setTimeout(LONG_MS));
    // While the page is cut off, a job is submitted and cancelled: it never changes again.
    String missed = admin.submitJob(sleeper());
    cancel(missed);
    page.unroute("**/api/v1/events/stream");

    assertThat(live).hasText("Live", new LocatorAssertions.HasTextOptions().setTimeout(LONG_MS));
    assertThat(page.locator("tr[data-job='" + missed + "']")).containsText("CANCELLED");
    assertThat(lastEventIds.get(lastEventIds.size() - 1)).matches("\\d+");
  }

  @Test
  void oidcLoginWithAuthorizationCodeAndPkce() {
    page.navigate("/");
    assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/login\\?next=.*"));
    screenshot("login");
    page.locator("#oidc-login").click();
    assertThat(page.locator("#who")).hasText("alice");
    assertThat(page).hasURL("http://127.0.0.1:" + port + "/");
    assertThat(page.locator("[data-pool='ascend-910b']")).isVisible();
    assertThat(IDP.tokenRequests).containsExactly("issued");
    // The token lives in the tab's session storage, never in a URL.
    assertThat((String) page.evaluate("() => sessionStorage.getItem('baton.token')"))
        .startsWith("ey");
    assertThat(page.url()).doesNotContain("code=");
  }

  @Test
  void pagesAreServedWithAStrictPolicyAndUnknownPathsStayProblems() {
    Api anonymous = admin.as(null);
    Api.Response shell = anonymous.get("/jobs/" + UUID.randomUUID());
    assertThat(shell.status()).isEqualTo(200);
    assertThat(shell.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    java.util.regex.Matcher module =
        java.util.regex.Pattern.compile("<script type=\"module\" src=\"(/ui/v/[0-9a-f]+/)app.js\">")
            .matcher(shell.body());
    assertThat(module.find()).as("the shell loads the modules from versioned URLs").isTrue();
    assertThat(shell.body()).doesNotContain("<script>");
    Api.Response versioned = anonymous.get(module.group(1) + "pages/jobs.js");
    assertThat(versioned.status()).isEqualTo(200);
    assertThat(versioned.header("Cache-Control"))
        .hasValueSatisfying(v -> assertThat(v).contains("max-age=31536000").contains("immutable"));
    anonymous.get("/ui/v/000000000000/app.js").problem(404, "not-found");
    assertThat(shell.header("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("script-src 'self'")
                    .contains("connect-src 'self' " + IDP.origin())
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline"));
    assertThat(shell.header("X-Content-Type-Options")).contains("nosniff");
    assertThat(anonymous.get("/ui/app.js").header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("javascript"));
    assertThat(anonymous.get("/webjars/uplot/1.6.30/dist/uPlot.esm.js").status()).isEqualTo(200);
    admin.get("/no-such-page").problem(404, "not-found");
    anonymous.get("/ui/no-such-module.js").problem(404, "not-found");
    anonymous.get("/api/v1/jobs").problem(401, "unauthorized");
    JsonNode config = anonymous.get("/api/v1/dashboard/config").json();
    assertThat(config.at("/oidc/clientId").asString()).isEqualTo("baton-dashboard");
    assertThat(config.at("/oidc/tokenEndpoint").asString()).isEqualTo(IDP.issuer() + "/token");
  }

  // ---- helpers ----

  private void logIn(String token) {
    assertThat(page.getByLabel("API token")).isVisible();
    page.getByLabel("API token").fill(token);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in with token"))
        .click();
    assertThat(page.locator("#logout")).isVisible();
  }

  private String token(String team, String role) {
    Api.Response issued =
        admin.post(
            "/api/v1/tokens",
            "{\"name\":\"dash-"
                + role
                + "\",\"grants\":[{\"team\":\""
                + team
                + "\",\"role\":\""
                + role
                + "\"}]}");
    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
    return issued.json().get("token").asString();
  }

  private static int points(Locator chart) {
    String n = chart.getAttribute("data-points");
    return n == null ? 0 : Integer.parseInt(n);
  }

  private void screenshot(String name) {
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }

  private String promote(String checkpoint, String endpoint, boolean approval) {
    ObjectNode request = JSON.createObjectNode();
    request.put("checkpointId", checkpoint);
    request.put("endpoint", endpoint);
    request.put("replicas", 1);
    request.put("requireApproval", approval);
    request.putObject("thresholds").putObject("eval_accuracy").put("min", 0.5);
    request.putObject("parity").put("absTolerance", 1e-6).put("relTolerance", 1e-5);
    Api.Response created = admin.post("/api/v1/promotions", request.toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  private void awaitPromotion(String id, String state) {
    await()
        .atMost(LONG)
        .until(
            () -> admin.get("/api/v1/promotions/" + id).json().get("state").asString(),
            s -> s.equals(state));
  }

  /** Cancels a job; a cancel that meets the scheduler's change of the job (409) is sent again. */
  private void cancel(String job) {
    await()
        .atMost(LONG)
        .until(() -> admin.post("/api/v1/jobs/" + job + "/cancel", "").status(), s -> s == 200);
  }

  /** A job that would run for ten minutes: it is only ever cancelled. */
  private static String sleeper() {
    return Specs.aSpec().with("team", TEAM).with("command", List.of("sleep", "600")).json();
  }

  private static ObjectNode demoJob(String name, int steps, int stepMillis, int checkpointEvery) {
    ObjectNode spec = (ObjectNode) JSON.readTree(Specs.aSpec().with("team", TEAM).json());
    spec.put("name", name);
    spec.put("pool", "ascend-910b");
    spec.put("nodes", 2);
    spec.put("chipsPerNode", 8);
    spec.put("maxRestarts", 2);
    spec.putObject("checkpoint").put("keepLast", 100);
    ArrayNode command = spec.putArray("command");
    for (String arg :
        List.of(
            "java",
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            DEMO.toString(),
            "train",
            "--steps",
            Integer.toString(steps),
            "--step-millis",
            Integer.toString(stepMillis),
            "--checkpoint-every",
            Integer.toString(checkpointEvery))) {
      command.add(arg);
    }
    return spec;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("baton-dashboard-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
