package io.baton.orchestrator.endpoints;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Sends inputs to a serving replica: {@code POST /v1/predict {"inputs": …} → {"outputs": …}}. */
@Component
public class ReplicaClient {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final JsonMapper json;

  ReplicaClient(JsonMapper json) {
    this.json = json;
  }

  /** The replica failed to answer, or answered something that is not predictions. */
  public static class Failed extends Exception {
    Failed(String message) {
      super(message);
    }
  }

  public double[][] predict(String url, double[][] inputs, Duration timeout) throws Failed {
    ObjectNode body = json.createObjectNode();
    ArrayNode rows = body.putArray("inputs");
    for (double[] input : inputs) {
      ArrayNode row = rows.addArray();
      for (double x : input) {
        row.add(x);
      }
    }
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/v1/predict"))
                  .timeout(timeout)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failed("no answer from " + url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted");
    }
    if (response.statusCode() != 200) {
      throw new Failed(
          url
              + "/v1/predict answered "
              + response.statusCode()
              + ": "
              + abbreviate(response.body()));
    }
    try {
      return GoldenSet.matrix(json.readTree(response.body()).get("outputs"), "outputs", url);
    } catch (JacksonException | GoldenSet.Unreadable e) {
      throw new Failed(url + "/v1/predict answered no predictions: " + e.getMessage());
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
