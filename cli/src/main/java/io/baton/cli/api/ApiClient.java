package io.baton.cli.api;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.baton.cli.config.Target;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * The REST API over the JDK's HttpClient. Every request carries the bearer token; answers 503
 * ({@code overloaded}) and 429 ({@code rate-limited}, {@code too-many-streams}), which Baton sends
 * only when it did nothing, are retried by a Failsafe retry policy after the answer's {@code
 * Retry-After} (seconds or an HTTP date; capped at {@link #MAX_RETRY_AFTER}), else after a doubling
 * backoff, at most {@value #MAX_RETRIES} times. Errors become {@link ApiException}s carrying the
 * problem document.
 */
public final class ApiClient {

  public static final JsonMapper JSON = JsonMapper.builder().build();
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
  private static final int MAX_RETRIES = 6;

  private final Target target;
  private final HttpClient http;
  private final RetryPolicy<HttpResponse<String>> retries;

  public ApiClient(Target target) {
    this.target = target;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.retries =
        RetryPolicy.<HttpResponse<String>>builder()
            // Only Baton's "nothing was done, come back later" answers; a failed connection is
            // reported, not retried (a POST may have reached the server).
            .handleIf(
                (response, failure) ->
                    failure == null
                        && response != null
                        && (response.statusCode() == 503 || response.statusCode() == 429))
            .withDelayFn(
                context -> {
                  Duration asked = retryAfter(context.getLastResult());
                  return asked != null ? asked : backoff(context.getAttemptCount());
                })
            .withMaxRetries(MAX_RETRIES)
            .build();
  }

  public Target target() {
    return target;
  }

  public JsonNode get(String path) {
    return json(send(request(path).GET(), path));
  }

  public JsonNode get(String path, Map<String, ?> query) {
    return get(path + query(query));
  }

  public String getText(String path) {
    return send(request(path).GET(), path).body();
  }

  public JsonNode post(String path, JsonNode body) {
    return post(path, body, Map.of());
  }

  public JsonNode post(String path, JsonNode body, Map<String, String> headers) {
    return json(send(postRequest(path, body, headers), path));
  }

  /** The whole answer, for callers that need its headers too. */
  public HttpResponse<String> postForResponse(
      String path, JsonNode body, Map<String, String> headers) {
    return send(postRequest(path, body, headers), path);
  }

  public void delete(String path) {
    send(request(path).DELETE(), path);
  }

  /** {@code ?a=1&b=2} of the non-null values, encoded; empty when there are none. */
  public static String query(Map<String, ?> params) {
    StringJoiner joiner = new StringJoiner("&", "?", "");
    joiner.setEmptyValue("");
    params.forEach(
        (name, value) -> {
          if (value != null) {
            joiner.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
          }
        });
    return joiner.toString();
  }

  /** A query map that keeps its order and allows nulls (left out). */
  public static Map<String, Object> params(Object... nameValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      map.put((String) nameValues[i], nameValues[i + 1]);
    }
    return map;
  }

  /** A path segment, encoded. */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder postRequest(String path, JsonNode body, Map<String, String> headers) {
    HttpRequest.Builder builder =
        request(path)
            .header("Content-Type", "application/json")
            .POST(
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    headers.forEach(builder::header);
    return builder;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(target.url() + path))
        .timeout(Duration.ofSeconds(60))
        .header("Accept", "application/json, application/problem+json, text/plain")
        .header("User-Agent", "baton-cli")
        .header("Authorization", "Bearer " + target.token());
  }

  private HttpResponse<String> send(HttpRequest.Builder builder, String path) {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response =
          Failsafe.with(retries)
              .get(() -> http.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (FailsafeException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new UnreachableException(target.url() + ": interrupted", cause);
      }
      if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
        throw new UnreachableException("cannot connect to " + target.url(), cause);
      }
      if (cause instanceof IOException io) {
        throw new UnreachableException(
            target.url() + path + ": " + (io.getMessage() == null ? io : io.getMessage()), io);
      }
      throw e;
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response;
    }
    JsonNode problem = MissingNode.getInstance();
    try {
      if (response.body() != null && response.body().stripLeading().startsWith("{")) {
        problem = JSON.readTree(response.body());
      }
    } catch (RuntimeException notJson) {
      // the body is shown as text
    }
    if (status >= 500 && problem.path("title").isMissingNode()) {
      throw new UnreachableException(
          target.url() + path + " answered " + status + " after retries", null);
    }
    throw new ApiException(status, problem, response.body());
  }

  private static JsonNode json(HttpResponse<String> response) {
    String body = response.body();
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    return JSON.readTree(body);
  }

  /** Without a {@code Retry-After}: 0.5 s, 1 s, 2 s, … up to 8 s. */
  static Duration backoff(int attempts) {
    return Duration.ofMillis(500L << Math.min(Math.max(attempts - 1, 0), 4));
  }

  /** The wait a {@code Retry-After} header asks for, capped; null when there is none. */
  static Duration retryAfter(HttpResponse<String> response) {
    if (response == null) {
      return null;
    }
    String value = response.headers().firstValue("Retry-After").orElse(null);
    if (value == null || value.isBlank()) {
      return null;
    }
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(value.trim()));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when =
            ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        wait = Duration.between(ZonedDateTime.now(when.getZone()), when);
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  /** The server could not be reached, or failed without a problem document. */
  public static final class UnreachableException extends RuntimeException {
    public UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
