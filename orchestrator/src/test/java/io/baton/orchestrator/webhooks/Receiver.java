package io.baton.orchestrator.webhooks;

import com.sun.net.httpserver.HttpServer;
import io.baton.orchestrator.support.Api;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;
import tools.jackson.databind.JsonNode;

/** A real webhook receiver on a loopback port that records every request it gets. */
final class Receiver implements AutoCloseable {

  /** One request as it arrived. */
  record Request(Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      return Api.json(text());
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private Receiver(ToIntFunction<Request> answer) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/hook",
        exchange -> {
          Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
          Request request = new Request(headers, exchange.getRequestBody().readAllBytes());
          requests.add(request);
          exchange.sendResponseHeaders(answer.applyAsInt(request), -1);
          exchange.close();
        });
    server.start();
  }

  /** A receiver answering each request with the status {@code answer} picks. */
  static Receiver answering(ToIntFunction<Request> answer) {
    return new Receiver(answer);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** Requests so far about the given job, in arrival order. */
  List<Request> about(String jobId) {
    return requests.stream()
        .filter(r -> jobId.equals(r.json().at("/event/jobId").asString(null)))
        .toList();
  }

  /** Every request so far, in arrival order. */
  List<Request> all() {
    return List.copyOf(requests);
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Requests so far whose event has this subject. */
  List<Request> aboutSubject(String subject) {
    return requests.stream()
        .filter(r -> subject.equals(r.json().at("/event/subject").asString(null)))
        .toList();
  }

  /** Requests so far carrying this delivery id. */
  List<Request> ofDelivery(String deliveryId) {
    return requests.stream().filter(r -> deliveryId.equals(r.header("Baton-Delivery"))).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
