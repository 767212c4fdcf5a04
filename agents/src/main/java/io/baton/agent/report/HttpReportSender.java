package io.baton.agent.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** Posts reports to {@code <orchestrator>/api/v1/agents/reports} with the node's bearer token. */
public final class HttpReportSender implements ReportSender {

  public static final String PATH = "/api/v1/agents/reports";

  private final HttpClient client;
  private final URI endpoint;
  private final Supplier<String> token;
  private final Duration timeout;

  public HttpReportSender(
      HttpClient client, URI orchestrator, Supplier<String> token, Duration timeout) {
    this.client = client;
    this.endpoint = endpoint(orchestrator);
    this.token = token;
    this.timeout = timeout;
  }

  /** {@code http://host:8080} or {@code http://host:8080/} → the reports endpoint. */
  public static URI endpoint(URI orchestrator) {
    String base = orchestrator.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + PATH);
  }

  public static HttpClient defaultClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .build();
  }

  /** A request for the given body and token; shared with the fleet simulator. */
  public static HttpRequest request(URI endpoint, String token, byte[] body, Duration timeout) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  @Override
  public Delivery send(byte[] report) {
    try {
      HttpResponse<String> response =
          client.send(
              request(endpoint, token.get(), report, timeout),
              HttpResponse.BodyHandlers.ofString());
      return Delivery.ofStatus(
          response.statusCode(),
          response.body(),
          retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
    } catch (IOException e) {
      return new Delivery.Retry(e.getClass().getSimpleName() + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Delivery.Retry("interrupted");
    } catch (RuntimeException e) {
      // e.g. an unreadable token file: the next attempt may succeed once it is fixed.
      return new Delivery.Retry(e.toString());
    }
  }

  /** {@code Retry-After} in seconds; the HTTP-date form is ignored. */
  static Duration retryAfter(String header) {
    if (header == null || !header.strip().matches("\\d{1,6}")) {
      return null;
    }
    return Duration.ofSeconds(Long.parseLong(header.strip()));
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? "" : ": " + e.getMessage();
  }
}
