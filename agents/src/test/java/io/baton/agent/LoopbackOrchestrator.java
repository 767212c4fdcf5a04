package io.baton.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server on 127.0.0.1 standing in for the orchestrator's report endpoint: it records
 * every request and answers with a status the test steers. It can be stopped and started again on
 * the same port to play an orchestrator that goes away and comes back.
 */
public final class LoopbackOrchestrator implements AutoCloseable {

  /** One request as the server saw it. */
  public record Received(String authorization, String contentType, JsonNode body, int answered) {
    public long seq() {
      return body.get("seq").asLong();
    }

    public String node() {
      return body.get("node").asString();
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final List<Received> received = new ArrayList<>();
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private volatile IntSupplier status = () -> 200;
  private volatile Duration delay = Duration.ZERO;
  private volatile String retryAfter;
  private HttpServer server;
  private int port;

  public static LoopbackOrchestrator start() {
    LoopbackOrchestrator orchestrator = new LoopbackOrchestrator();
    orchestrator.bind(0);
    return orchestrator;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The status of every following answer; 2xx records the report as received. */
  public void answer(IntSupplier status) {
    this.status = status;
  }

  /** How long every following answer takes, as from a slow orchestrator. */
  public void delay(Duration delay) {
    this.delay = delay;
  }

  /** A {@code Retry-After} header on every non-2xx answer; null for none. */
  public void retryAfter(String seconds) {
    this.retryAfter = seconds;
  }

  /** Stops listening: connections are refused until {@link #restart()}. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  public synchronized void restart() {
    if (server == null) {
      bind(port);
    }
  }

  /** Forgets what was received so far. */
  public synchronized void clear() {
    received.clear();
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** Requests answered 2xx, in arrival order. */
  public synchronized List<Received> accepted() {
    return received.stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
  }

  /** Waits until an accepted request matches; fails the test at the deadline. */
  public Received awaitAccepted(Predicate<Received> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        for (Received r : received) {
          if (r.answered() >= 200 && r.answered() < 300 && match.test(r)) {
            return r;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no matching report within " + timeout + "; received " + received.size());
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }

  @Override
  public void close() {
    stop();
    executor.shutdownNow();
  }

  private void bind(int wanted) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", wanted), 512);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/api/v1/agents/reports", this::handle);
    server.setExecutor(executor);
    server.start();
    port = server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      int answer = "POST".equals(exchange.getRequestMethod()) ? status.getAsInt() : 405;
      JsonNode json = JSON.readTree(new String(body, StandardCharsets.UTF_8));
      synchronized (this) {
        received.add(
            new Received(
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                json,
                answer));
        notifyAll();
      }
      byte[] reply =
          answer < 300
              ? new byte[0]
              : ("{\"status\":" + answer + "}").getBytes(StandardCharsets.UTF_8);
      if (answer >= 300 && retryAfter != null) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      exchange.sendResponseHeaders(answer, reply.length == 0 ? -1 : reply.length);
      if (reply.length > 0) {
        exchange.getResponseBody().write(reply);
      }
    }
  }
}
