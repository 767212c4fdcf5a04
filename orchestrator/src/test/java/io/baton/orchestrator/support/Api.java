package io.baton.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client against the orchestrator on loopback, sending a bearer token on every request
 * that does not set its own {@code Authorization}.
 */
public final class Api {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Supplier<String> token;

  /** An anonymous client. */
  public Api(int port) {
    this(port, () -> null);
  }

  /** A client that authenticates with {@code token}. */
  public Api(int port, String token) {
    this(port, () -> token);
  }

  /** A client whose token is read when a request is sent (null: none). */
  public Api(int port, Supplier<String> token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** The same server, as another identity (null: anonymous). */
  public Api as(String otherToken) {
    return new Api(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherToken);
  }

  public String base() {
    return base;
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response post(String path, String json, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request);
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
      String bearer = token.get();
      if (bearer != null && built.headers().firstValue("Authorization").isEmpty()) {
        built =
            HttpRequest.newBuilder(built, (name, value) -> true)
                .header("Authorization", "Bearer " + bearer)
                .build();
      }
      HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
      return new Response(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends a request whose answer may be an endless stream (Server-Sent Events): the status and
   * headers are read, the body only when it is not a stream.
   */
  public Response sendExpectingStream(HttpRequest.Builder request) {
    HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
    String bearer = token.get();
    if (bearer != null && built.headers().firstValue("Authorization").isEmpty()) {
      built =
          HttpRequest.newBuilder(built, (name, value) -> true)
              .header("Authorization", "Bearer " + bearer)
              .build();
    }
    try {
      HttpResponse<java.io.InputStream> response =
          http.sendAsync(built, HttpResponse.BodyHandlers.ofInputStream())
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
      String body;
      try (java.io.InputStream in = response.body()) {
        boolean stream =
            response
                .headers()
                .firstValue("Content-Type")
                .orElse("")
                .startsWith("text/event-stream");
        body = stream ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      return new Response(new StringResponse(response, body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A streamed response with the part of its body that was read. */
  private record StringResponse(HttpResponse<java.io.InputStream> streamed, String body)
      implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return streamed.statusCode();
    }

    @Override
    public HttpRequest request() {
      return streamed.request();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return streamed.headers();
    }

    @Override
    public Optional<javax.net.ssl.SSLSession> sslSession() {
      return streamed.sslSession();
    }

    @Override
    public URI uri() {
      return streamed.uri();
    }

    @Override
    public HttpClient.Version version() {
      return streamed.version();
    }
  }

  /** Submits a job spec, asserts it was created, and returns the job's id. */
  public String submitJob(String spec) {
    Response created = post("/api/v1/jobs", spec);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  /** Makes a chip of a simulated node report FAULT (the local backend's fault injection). */
  public void injectChipFault(String node, int chip) {
    Response injected =
        post(
            "/api/v1/simulation/faults",
            "{\"node\":\""
                + node
                + "\",\"chip\":"
                + chip
                + ",\"health\":\"FAULT\",\"code\":\"0x80E18402\"}");
    assertThat(injected.status()).as(injected.body()).isEqualTo(200);
  }

  public HttpClient client() {
    return http;
  }

  /** The bearer token this client sends, null when anonymous. */
  public String token() {
    return token.get();
  }

  public URI uri(String path) {
    return URI.create(base + path);
  }

  public static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  /** A response with its body parsed when it is JSON. */
  public record Response(HttpResponse<String> raw) {

    public int status() {
      return raw.statusCode();
    }

    public String body() {
      return raw.body();
    }

    public JsonNode json() {
      return JSON.readTree(raw.body());
    }

    public Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    /** Asserts an RFC 9457 problem with this status and type slug, and returns it. */
    public JsonNode problem(int status, String type) {
      assertThat(status()).as("status of %s", body()).isEqualTo(status);
      assertThat(header("Content-Type"))
          .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
      JsonNode problem = json();
      assertThat(problem.path("type").asString()).isEqualTo("https://baton.io/problems/" + type);
      assertThat(problem.path("status").asInt()).isEqualTo(status);
      assertThat(problem.path("title").asString()).isNotBlank();
      assertThat(problem.path("detail").asString()).isNotBlank();
      assertThat(body()).doesNotContain("Exception").doesNotContain("\tat ");
      return problem;
    }
  }
}
