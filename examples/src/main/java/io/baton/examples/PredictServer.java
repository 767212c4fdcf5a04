package io.baton.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves one checkpoint over HTTP/1.1.
 *
 * <ul>
 *   <li>{@code GET /healthz} → 200 {@code {"status":"ok","step":N,"sha256":"…","features":n}}
 *   <li>{@code POST /v1/predict} {@code {"inputs":[[x_1..x_n], …]}} → 200 {@code {"outputs":[[p],
 *       …]}} where {@code p = P(y=1|x)}; inputs are taken as F32, like the model
 *   <li>a malformed body → 400, an unknown path → 404, a wrong method → 405, a body over 16 MiB →
 *       413, all as {@code application/problem+json} (RFC 9457)
 * </ul>
 */
final class PredictServer implements AutoCloseable {

  static final Set<String> FLAGS = Set.of("checkpoint", "port", "bind");
  private static final int MAX_BODY = 16 * 1024 * 1024;
  private static final int MAX_ROWS = 100_000;

  private final HttpServer http;
  private final ExecutorService executor;
  private final Checkpoints.LoadedModel loaded;
  private final CountDownLatch closed = new CountDownLatch(1);

  /** Where to serve what; the port is {@code --port}, else {@code PORT}, else 0 (any free port). */
  record Options(Path checkpoint, String bind, int port) {
    static Options from(Map<String, String> env, List<String> args) {
      Flags flags = Flags.parse(args, FLAGS);
      if (!flags.has("checkpoint")) {
        throw DemoException.usage("serve needs --checkpoint PATH");
      }
      String envPort = env.get("PORT");
      int fallback = 0;
      if (envPort != null && !envPort.isBlank()) {
        fallback = Flags.parse(List.of("--port", envPort), FLAGS).integer("port", 0, 0);
      }
      int port = flags.integer("port", fallback, 0);
      if (port > 65535) {
        throw DemoException.usage("port must be at most 65535");
      }
      return new Options(
          Path.of(flags.string("checkpoint", "")), flags.string("bind", "127.0.0.1"), port);
    }
  }

  private PredictServer(HttpServer http, ExecutorService executor, Checkpoints.LoadedModel loaded) {
    this.http = http;
    this.executor = executor;
    this.loaded = loaded;
  }

  static PredictServer start(Options options) {
    Checkpoints.LoadedModel loaded = Checkpoints.loadModel(options.checkpoint());
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "predict-http");
              thread.setDaemon(true);
              return thread;
            });
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 64);
      PredictServer server = new PredictServer(http, executor, loaded);
      http.createContext("/", server::handle);
      http.setExecutor(executor);
      http.start();
      return server;
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException(
          "cannot listen on " + options.bind() + ":" + options.port(), e);
    }
  }

  int port() {
    return http.getAddress().getPort();
  }

  void awaitClose() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    closed.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      switch (path) {
        case "/healthz" -> {
          if (method.equals("GET") || method.equals("HEAD")) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("status", "ok");
            body.put("step", loaded.step());
            body.put("sha256", loaded.sha256());
            body.put("features", loaded.model().features());
            send(exchange, 200, "application/json", body);
          } else {
            problem(exchange, 405, "Method Not Allowed", "use GET");
          }
        }
        case "/v1/predict" -> {
          if (method.equals("POST")) {
            predict(exchange);
          } else {
            problem(exchange, 405, "Method Not Allowed", "use POST");
          }
        }
        default -> problem(exchange, 404, "Not Found", "no resource at " + path);
      }
    } catch (RuntimeException e) {
      problem(exchange, 500, "Internal Server Error", e.getClass().getSimpleName());
    }
  }

  private void predict(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      problem(exchange, 413, "Content Too Large", "the body is larger than " + MAX_BODY + " bytes");
      return;
    }
    float[][] inputs;
    try {
      inputs = parseInputs(body, loaded.model().features());
    } catch (BadRequest e) {
      problem(exchange, 400, "Bad Request", e.getMessage());
      return;
    }
    ObjectNode response = Json.MAPPER.createObjectNode();
    var outputs = response.putArray("outputs");
    for (float[] x : inputs) {
      outputs.addArray().add(loaded.model().probability(x));
    }
    send(exchange, 200, "application/json", response);
  }

  static float[][] parseInputs(byte[] body, int features) throws BadRequest {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequest("the body is not valid JSON");
    }
    JsonNode rows = root == null ? null : root.get("inputs");
    if (rows == null || !rows.isArray()) {
      throw new BadRequest("the body must be an object with an \"inputs\" array");
    }
    if (rows.size() > MAX_ROWS) {
      throw new BadRequest("at most " + MAX_ROWS + " inputs per request");
    }
    float[][] inputs = new float[rows.size()][];
    for (int i = 0; i < inputs.length; i++) {
      JsonNode row = rows.get(i);
      if (!row.isArray() || row.size() != features) {
        throw new BadRequest(
            "inputs[" + i + "] must be an array of " + features + " numbers" + widthOf(row));
      }
      inputs[i] = new float[features];
      for (int j = 0; j < features; j++) {
        JsonNode value = row.get(j);
        if (!value.isNumber() || !Float.isFinite((float) value.asDouble())) {
          throw new BadRequest("inputs[" + i + "][" + j + "] is not a finite number");
        }
        inputs[i][j] = (float) value.asDouble();
      }
    }
    return inputs;
  }

  private static String widthOf(JsonNode row) {
    return row.isArray() ? ", got " + row.size() : "";
  }

  private static void problem(HttpExchange exchange, int status, String title, String detail)
      throws IOException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    body.put("instance", exchange.getRequestURI().getPath());
    send(exchange, status, "application/problem+json", body);
  }

  private static void send(HttpExchange exchange, int status, String type, ObjectNode body)
      throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      exchange.getResponseBody().write(bytes);
    }
  }

  /** A request body that cannot be served, and why (the problem's detail). */
  static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message);
    }
  }
}
