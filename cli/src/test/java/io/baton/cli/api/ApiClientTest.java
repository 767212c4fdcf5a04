package io.baton.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.baton.cli.config.Target;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server on loopback that answers 503/429 first. */
class ApiClientTest {

  HttpServer server;
  final AtomicInteger calls = new AtomicInteger();
  final List<Long> arrivals = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/busy",
        exchange -> {
          arrivals.add(System.nanoTime());
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          int n = calls.incrementAndGet();
          if (n == 1) {
            reply(exchange, 503, "1", problem(503, "overloaded", "Overloaded"));
          } else if (n == 2) {
            reply(exchange, 429, "1", problem(429, "rate-limited", "Too many requests"));
          } else {
            reply(exchange, 200, null, "{\"ok\":true}");
          }
        });
    server.createContext(
        "/api/v1/refused",
        exchange ->
            reply(
                exchange,
                422,
                null,
                "{\"type\":\"https://baton.io/problems/job-spec-rejected\",\"title\":\"Job spec"
                    + " cannot run on this fleet\",\"status\":422,\"detail\":\"nodes: too"
                    + " many\",\"errors\":[{\"field\":\"nodes\",\"message\":\"too many\"}]}"));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  ApiClient client() {
    return new ApiClient(
        new Target("http://127.0.0.1:" + server.getAddress().getPort(), "secret-token", null));
  }

  @Test
  void retries503And429AfterTheirRetryAfter() {
    assertThat(client().get("/api/v1/busy").path("ok").asBoolean()).isTrue();

    assertThat(calls).hasValue(3);
    assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(Duration.ofNanos(arrivals.get(2) - arrivals.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(authorizations).containsOnly("Bearer secret-token");
  }

  @Test
  void aProblemDocumentBecomesReadableLines() {
    assertThatThrownBy(() -> client().get("/api/v1/refused"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.slug()).isEqualTo("job-spec-rejected");
              assertThat(e.readable())
                  .containsExactly(
                      "Job spec cannot run on this fleet (422, job-spec-rejected)",
                      "  nodes: too many",
                      "  - nodes: too many");
            });
  }

  @Test
  void theTargetNeverShowsItsToken() {
    assertThat(new Target("http://x:1", "t0ken", null).toString())
        .doesNotContain("t0ken")
        .contains("(hidden)");
  }

  private static String problem(int status, String slug, String title) {
    return "{\"type\":\"https://baton.io/problems/"
        + slug
        + "\",\"title\":\""
        + title
        + "\",\"status\":"
        + status
        + "}";
  }

  private static void reply(
      com.sun.net.httpserver.HttpExchange exchange, int status, String retryAfter, String body)
      throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
    if (retryAfter != null) {
      exchange.getResponseHeaders().add("Retry-After", retryAfter);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
