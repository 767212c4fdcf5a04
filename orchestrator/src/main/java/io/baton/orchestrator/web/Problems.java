package io.baton.orchestrator.web;

import io.baton.orchestrator.problems.FieldViolation;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds Baton's RFC 9457 problem documents. */
final class Problems {

  /** Base of every problem type URI; the slug names the problem. */
  public static final String TYPE_BASE = "https://baton.io/problems/";

  private Problems() {}

  public static ProblemDetail of(int status, String type, String title, String detail) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
    problem.setType(URI.create(TYPE_BASE + type));
    problem.setTitle(title);
    return problem;
  }

  public static ProblemDetail of(
      int status, String type, String title, String detail, List<FieldViolation> errors) {
    ProblemDetail problem = of(status, type, title, detail);
    if (!errors.isEmpty()) {
      problem.setProperty("errors", errors);
    }
    return problem;
  }

  static String slugFor(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 406 -> "not-acceptable";
      case 409 -> "conflict";
      case 413 -> "payload-too-large";
      case 415 -> "unsupported-media-type";
      case 422 -> "unprocessable-content";
      case 429 -> "too-many-requests";
      default -> status >= 500 ? "internal-error" : "client-error";
    };
  }
}
