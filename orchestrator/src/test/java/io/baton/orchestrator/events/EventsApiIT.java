package io.baton.orchestrator.events;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.JsonNode;

class EventsApiIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired EventStream stream;
  @Autowired EventsProperties properties;
  Api api;

  @BeforeEach
  void client() {
    api = new Api(port, adminToken());
  }

  @Test
  void feedReturnsEventsAfterAnIdInOrderWithACursorToContinue() {
    long start = newestEventId();
    String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    api.post("/api/v1/jobs/" + id + "/cancel", "");

    JsonNode page = api.get("/api/v1/events?after=" + start + "&limit=2").json();
    JsonNode next = api.get("/api/v1/events?after=" + page.get("nextCursor").asString()).json();

    assertThat(page.get("items")).hasSize(2);
    assertThat(page.at("/items/0/jobId").asString()).isEqualTo(id);
    assertThat(page.at("/items/0/to").asString()).isEqualTo("QUEUED");
    assertThat(page.at("/items/1/to").asString()).isEqualTo("CANCELLING");
    assertThat(page.at("/items/1/id").asLong()).isGreaterThan(page.at("/items/0/id").asLong());
    assertThat(next.at("/items/0/to").asString()).isEqualTo("CANCELLED");
    String idle = next.get("nextCursor").asString();
    JsonNode empty = api.get("/api/v1/events?after=" + idle).json();
    assertThat(empty.get("items")).isEmpty();
    assertThat(empty.get("nextCursor").asString()).isEqualTo(idle);
  }

  @Test
  void unknownOrMalformedAfterIs400() {
    api.get("/api/v1/events?after=999999999").problem(400, "invalid-parameter");
    api.get("/api/v1/events?after=abc").problem(400, "invalid-parameter");
    api.get("/api/v1/events?limit=501").problem(400, "invalid-parameter");
  }

  @Test
  void streamDeliversNewEventsAsServerSentEvents() throws Exception {
    try (Stream stream = Stream.open(api, "/api/v1/events/stream", null)) {
      String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();

      Sse event = stream.nextOf(id);

      assertThat(event.name()).isEqualTo("job.state");
      JsonNode data = Api.json(event.data());
      assertThat(data.get("to").asString()).isEqualTo("QUEUED");
      assertThat(event.id()).isEqualTo(data.get("id").asString());
    }
  }

  @Test
  void streamResumesAfterLastEventIdWithoutGaps() throws Exception {
    long before = newestEventId();
    String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
    api.post("/api/v1/jobs/" + id + "/cancel", "");

    try (Stream stream = Stream.open(api, "/api/v1/events/stream", Long.toString(before))) {
      List<String> states = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        states.add(Api.json(stream.nextOf(id).data()).get("to").asString());
      }

      assertThat(states).containsExactly("QUEUED", "CANCELLING", "CANCELLED");
    }
  }

  @Test
  void streamsOverTheCallersCapGet429AndAClosedStreamFreesItsPlace() throws Exception {
    JsonNode first = viewerToken("streams-1");
    JsonNode second = viewerToken("streams-2");
    String token = first.get("token").asString();
    String local = "principal:token:" + first.get("id").asString() + ":streams-1";
    awaitStreamsOf(local, 0);
    int cap = properties.maxSubscribersPerIdentity();
    List<RawStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < cap; i++) {
        open.add(RawStream.open(port, "127.0.0.1", token));
      }
      assertThat(stream.subscriberCount(local)).isEqualTo(cap);

      Api.Response refused =
          api.as(token)
              .send(
                  HttpRequest.newBuilder(api.uri("/api/v1/events/stream"))
                      .header("Accept", "text/event-stream")
                      .GET());

      refused.problem(429, "too-many-streams");
      assertThat(refused.header("Retry-After")).hasValue("5");
      try (RawStream other = RawStream.open(port, "127.0.0.1", second.get("token").asString())) {
        assertThat(
                stream.subscriberCount(
                    "principal:token:" + second.get("id").asString() + ":streams-2"))
            .isEqualTo(1);
      }

      open.remove(0).close();
      awaitStreamsOf(local, cap - 1);
      open.add(RawStream.open(port, "127.0.0.1", token));
      assertThat(stream.subscriberCount(local)).isEqualTo(cap);
    } finally {
      for (RawStream s : open) {
        s.close();
      }
    }
    awaitStreamsOf(local, 0);
  }

  @Test
  void streamsCountAgainstTheAuthenticatedCallerWhenThereIsOne() {
    MockHttpServletRequest request = new MockHttpServletRequest();
    request.setRemoteAddr("10.0.0.7");
    assertThat(EventsController.identity(request)).isEqualTo("address:10.0.0.7");

    request.setUserPrincipal(() -> "token:42:ci");
    assertThat(EventsController.identity(request)).isEqualTo("principal:token:42:ci");
  }

  private JsonNode viewerToken(String name) {
    return api.post(
            "/api/v1/tokens",
            "{\"name\":\"" + name + "\",\"grants\":[{\"team\":\"vision\",\"role\":\"viewer\"}]}")
        .json();
  }

  /** Waits until the server notices closed streams: every event written tells it. */
  private void awaitStreamsOf(String identity, int count) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              String id = api.post("/api/v1/jobs", aSpec().json()).json().get("id").asString();
              api.post("/api/v1/jobs/" + id + "/cancel", "");
              assertThat(stream.subscriberCount(identity)).isEqualTo(count);
            });
  }

  private long newestEventId() {
    long after = 0;
    while (true) {
      JsonNode page =
          api.get("/api/v1/events?limit=500" + (after == 0 ? "" : "&after=" + after)).json();
      if (page.get("items").isEmpty()) {
        return after;
      }
      after = page.get("nextCursor").asLong();
    }
  }

  record Sse(String id, String name, String data) {}

  /** A stream on a plain socket from a given loopback address, so closing it closes it. */
  static final class RawStream implements AutoCloseable {
    private final Socket socket;

    private RawStream(Socket socket) {
      this.socket = socket;
    }

    static RawStream open(int port, String from, String token) throws IOException {
      Socket socket = new Socket();
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Authorization: Bearer "
                      + token
                      + "\r\nAccept: text/event-stream\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String status = reader.readLine();
      assertThat(status).startsWith("HTTP/1.1 200");
      // The first comment of the stream: it is registered and serving.
      String line;
      while ((line = reader.readLine()) != null && !line.startsWith(":baton events")) {
        // headers and chunk sizes
      }
      assertThat(line).isNotNull();
      return new RawStream(socket);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A live SSE connection read line by line on a background thread. */
  static final class Stream implements AutoCloseable {
    private final InputStream body;
    private final BufferedReader reader;

    private Stream(InputStream body) {
      this.body = body;
      this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    static Stream open(Api api, String path, String lastEventId) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(api.uri(path)).header("Accept", "text/event-stream").GET();
      if (lastEventId != null) {
        request.header("Last-Event-ID", lastEventId);
      }
      if (api.token() != null) {
        request.header("Authorization", "Bearer " + api.token());
      }
      HttpResponse<InputStream> response =
          api.client()
              .sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
              .get(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      return new Stream(response.body());
    }

    /** The next event about {@code jobId}, skipping others (other tests and sweeps write too). */
    Sse nextOf(String jobId) throws Exception {
      return CompletableFuture.supplyAsync(
              () -> {
                while (true) {
                  List<Sse> one = read(1);
                  if (one.isEmpty()) {
                    throw new AssertionError("stream ended");
                  }
                  if (jobId.equals(Api.json(one.get(0).data()).path("jobId").asString(null))) {
                    return one.get(0);
                  }
                }
              })
          .get(20, TimeUnit.SECONDS);
    }

    List<Sse> next(int count) throws Exception {
      return CompletableFuture.supplyAsync(() -> read(count))
          .get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
    }

    private List<Sse> read(int count) {
      List<Sse> events = new ArrayList<>();
      String id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      try {
        String line;
        while (events.size() < count && (line = reader.readLine()) != null) {
          if (line.isEmpty()) {
            if (!data.isEmpty()) {
              events.add(new Sse(id, name, data.toString()));
            }
            id = null;
            name = null;
            data.setLength(0);
          } else if (line.startsWith("id:")) {
            id = line.substring(3).trim();
          } else if (line.startsWith("event:")) {
            name = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return events;
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }
}
