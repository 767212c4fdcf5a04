package io.baton.bench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The web dashboard's pages in a real browser (Debian's Chromium driven by Playwright; no browser
 * is downloaded) against the seeded fleet: each page is opened {@link #LOADS} times as a fresh
 * navigation, timed from the navigation's start to the moment the page marks its data shown ({@code
 * main[data-rendered]}, set by the dashboard once a page's render finished).
 */
final class DashboardPages {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final int LOADS = 20;
  private static final int WARM_UPS = 3;

  private DashboardPages() {}

  static void measure(DashboardBench.Fleet fleet, Map<String, Object> figures, List<String[]> table)
      throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(
          CHROMIUM + " is missing: install Debian's chromium (apt-get install -y chromium)");
    }
    Orchestrator orchestrator = fleet.orchestrator();
    String token = orchestrator.adminToken();
    try (Playwright playwright =
            Playwright.create(
                new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser =
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
        BrowserContext context = browser.newContext()) {
      // Logged in for the browser session, as the login page leaves it.
      context.addInitScript(
          "sessionStorage.setItem('baton.token', "
              + tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(token)
              + ");");
      Page page = context.newPage();
      page.setDefaultTimeout(60_000);
      Map<String, List<Double>> calls = new TreeMap<>();
      page.onRequestFinished(
          request -> {
            String url = request.url();
            int api = url.indexOf("/api/");
            if (api >= 0 && request.timing() != null && request.timing().responseEnd > 0) {
              int query = url.indexOf('?', api);
              String path = url.substring(api, query < 0 ? url.length() : query);
              calls.computeIfAbsent(path, k -> new ArrayList<>()).add(request.timing().responseEnd);
            }
          });
      String base = orchestrator.base().toString();
      figures.put("overviewMsP95", timed(page, base + "/", "Overview (/)", table));
      figures.put(
          "nodesPageMsP95",
          timed(page, base + "/nodes?pool=" + DashboardBench.POOL, "Nodes (/nodes)", table));
      figures.put("jobsPageMsP95", timed(page, base + "/jobs", "Jobs (/jobs)", table));
      // What the pages waited for: each API call's time from its start to its body's last byte.
      calls.forEach(
          (path, ms) -> {
            double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            table.add(
                new String[] {
                  "  API " + path + " (" + sorted.length + " calls)",
                  String.format(
                      Locale.ROOT,
                      "p50 %.0f ms, p95 %.0f ms",
                      sorted[sorted.length / 2],
                      sorted[(int) Math.ceil(sorted.length * 0.95) - 1])
                });
          });
    }
  }

  /** Opens {@code url} afresh {@link #LOADS} times (after warm-ups); the p95 in ms. */
  private static long timed(Page page, String url, String what, List<String[]> table) {
    for (int i = 0; i < WARM_UPS; i++) {
      load(page, url);
    }
    long[] ms = new long[LOADS];
    for (int i = 0; i < LOADS; i++) {
      ms[i] = load(page, url);
    }
    // Where the last load's time went, as the browser saw it (ms from the navigation's start).
    Object timeline =
        page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
                + " const r = performance.getEntriesByType('resource').map(e => `${e.name"
                + ".replace(location.origin, '').split('?')[0]} ${Math.round(e.startTime)}"
                + "-${Math.round(e.responseEnd)}${e.transferSize === 0 ? ' (cache)' : ''}`);"
                + " return `shell ${Math.round(n.responseEnd)}, DOM ready"
                + " ${Math.round(n.domContentLoadedEventEnd)}, load ${Math.round(n.loadEventEnd)},"
                + " now ${Math.round(performance.now())}; ` + r.join(', '); }");
    table.add(new String[] {"  " + what + ": last load", String.valueOf(timeline)});
    Arrays.sort(ms);
    long p50 = ms[LOADS / 2];
    long p95 = ms[(int) Math.ceil(LOADS * 0.95) - 1];
    table.add(
        new String[] {
          "page " + what + " (" + LOADS + " loads)",
          String.format(Locale.ROOT, "p50 %d ms, p95 %d ms, max %d ms", p50, p95, ms[LOADS - 1])
        });
    return p95;
  }

  private static long load(Page page, String url) {
    page.navigate("about:blank");
    long start = System.nanoTime();
    page.navigate(url);
    page.waitForSelector("main[data-rendered]");
    return (System.nanoTime() - start) / 1_000_000;
  }
}
