package io.baton.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The network between a real agent process and the orchestrator: an HTTP relay on a port of its own
 * that forwards every request to the orchestrator and notes which agent reports the orchestrator
 * acknowledged (a 2xx), with their lines. Cutting the link closes the relay's port (the agent's
 * connections are refused and it buffers its reports); healing opens it again on the same port (the
 * agent replays what it buffered).
 */
final class ChaosAgentLink implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> HOP =
      Set.of("connection", "host", "content-length", "expect", "upgrade", "transfer-encoding");

  private final int port;
  private final URI target;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<ChaosInvariants.AckedReport> acked = new ArrayList<>();
  private HttpServer server;
  private ExecutorService executor;

  ChaosAgentLink(int port, URI target) throws IOException {
    this.port = port;
    this.target = target;
    heal();
  }

  int port() {
    return port;
  }

  synchronized boolean isCut() {
    return server == null;
  }

  synchronized void cut() {
    if (server != null) {
      server.stop(0);
      server = null;
      // The server's threads: left running, each heal's pool would outlive the campaign.
      executor.shutdownNow();
      executor = null;
    }
  }

  synchronized void heal() throws IOException {
    if (server != null) {
      return;
    }
    IOException last = null;
    for (int i = 0; i < 50; i++) {
      try {
        HttpServer s =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        s.createContext("/", this::relay);
        ExecutorService threads =
            Executors.newFixedThreadPool(
                4,
                r -> {
                  Thread t = new Thread(r, "chaos-agent-link");
                  t.setDaemon(true);
                  return t;
                });
        s.setExecutor(threads);
        s.start();
        server = s;
        executor = threads;
        return;
      } catch (BindException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException(interrupted);
        }
      }
    }
    throw last;
  }

  synchronized List<ChaosInvariants.AckedReport> acked() {
    return List.copyOf(acked);
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
              .timeout(Duration.ofSeconds(10))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP.contains(name.toLowerCase())) {
                  values.forEach(v -> request.header(name, v));
                }
              });
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException | InterruptedException e) {
        // The orchestrator is down: the agent sees what it would see without a relay.
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      if (response.statusCode() / 100 == 2
          && exchange.getRequestURI().getPath().endsWith("/agents/reports")) {
        note(body, Instant.now());
      }
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] answer = response.body();
      exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    }
  }

  private void note(byte[] body, Instant at) {
    try {
      JsonNode report = JSON.readTree(body);
      List<ChaosInvariants.Line> lines = new ArrayList<>();
      for (String kind : List.of("progress", "checkpoints")) {
        for (JsonNode line : report.path(kind)) {
          if (!line.hasNonNull("jobId") || !line.hasNonNull("step")) {
            continue;
          }
          try {
            lines.add(
                new ChaosInvariants.Line(
                    UUID.fromString(line.get("jobId").asString()),
                    line.hasNonNull("attempt") ? line.get("attempt").asInt() : null,
                    line.path("rank").asInt(0),
                    line.get("step").asLong(),
                    kind.equals("checkpoints")));
          } catch (IllegalArgumentException notAJob) {
            // a line the orchestrator refuses anyway
          }
        }
      }
      synchronized (this) {
        acked.add(
            new ChaosInvariants.AckedReport(
                report.get("node").asString(),
                UUID.fromString(report.get("bootId").asString()),
                report.get("seq").asLong(),
                at,
                lines));
      }
    } catch (RuntimeException unreadable) {
      // not a report (the schema is the orchestrator's to enforce)
    }
  }

  @Override
  public synchronized void close() {
    cut();
  }
}
