package io.baton.cli.api;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The API answered with an error: an RFC 9457 problem document ({@code type}, {@code title}, {@code
 * status}, {@code detail}, {@code errors}), or, from something in front of Baton, any body.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final JsonNode problem;

  public ApiException(int status, JsonNode problem, String body) {
    super(summary(status, problem, body));
    this.status = status;
    this.problem = problem;
  }

  public int status() {
    return status;
  }

  /** The problem document, or a missing node when the body was not one. */
  public JsonNode problem() {
    return problem;
  }

  /** The slug of the problem's {@code type} ({@code job-spec-rejected}), or null. */
  public String slug() {
    String type = problem.path("type").asString("");
    int slash = type.lastIndexOf('/');
    return type.isEmpty() ? null : type.substring(slash + 1);
  }

  /**
   * The problem as a person reads it: title, status and slug on the first line, then the detail,
   * then each field error on its own line.
   */
  public List<String> readable() {
    List<String> lines = new ArrayList<>();
    lines.add(getMessage());
    String detail = problem.path("detail").asString("");
    if (!detail.isBlank()) {
      lines.add("  " + detail);
    }
    for (JsonNode error : problem.path("errors")) {
      String field = error.path("field").asString("");
      String message = error.path("message").asString("");
      lines.add("  - " + (field.isEmpty() ? "" : field + ": ") + message);
    }
    for (String member : List.of("state", "requested", "reference")) {
      if (problem.hasNonNull(member)) {
        lines.add("  " + member + ": " + problem.get(member).asString());
      }
    }
    return lines;
  }

  private static String summary(int status, JsonNode problem, String body) {
    String title = problem.path("title").asString("");
    if (title.isBlank()) {
      String text = body == null ? "" : body.strip();
      if (text.length() > 200) {
        text = text.substring(0, 200) + "…";
      }
      return "HTTP " + status + (text.isEmpty() ? "" : ": " + text);
    }
    String type = problem.path("type").asString("");
    String slug = type.isEmpty() ? "" : ", " + type.substring(type.lastIndexOf('/') + 1);
    return title + " (" + status + slug + ")";
  }
}
