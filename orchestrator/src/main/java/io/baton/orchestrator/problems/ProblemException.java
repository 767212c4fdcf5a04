package io.baton.orchestrator.problems;

import java.util.List;
import java.util.Map;

/**
 * A client-visible failure with an HTTP status and an RFC 9457 problem type. Features throw
 * subclasses; the web layer renders them as {@code application/problem+json}.
 */
public abstract class ProblemException extends RuntimeException {

  private final int status;
  private final String type;
  private final String title;
  private final List<FieldViolation> errors;

  protected ProblemException(
      int status, String type, String title, String detail, List<FieldViolation> errors) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = List.copyOf(errors);
  }

  protected ProblemException(int status, String type, String title, String detail) {
    this(status, type, title, detail, List.of());
  }

  public int status() {
    return status;
  }

  /** Short slug of the problem type, e.g. {@code invalid-job-spec}. */
  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public List<FieldViolation> errors() {
    return errors;
  }

  /** Extra members of the problem document, beyond type, title, status, detail and errors. */
  public Map<String, Object> properties() {
    return Map.of();
  }

  /** Response headers that go with the problem, e.g. {@code Retry-After}. */
  public Map<String, String> headers() {
    return Map.of();
  }
}
