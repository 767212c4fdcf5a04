package io.baton.orchestrator.jobs;

import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import java.util.List;

/** The spec is malformed (schema) or sets server-owned fields: 400. */
class InvalidJobSpecException extends ProblemException {

  private InvalidJobSpecException(String type, String title, List<FieldViolation> errors) {
    super(400, type, title, summary(errors), errors);
  }

  static InvalidJobSpecException malformed(List<FieldViolation> errors) {
    return new InvalidJobSpecException("invalid-job-spec", "Invalid job spec", errors);
  }

  static InvalidJobSpecException serverOwned(List<FieldViolation> errors) {
    return new InvalidJobSpecException(
        "server-owned-field", "Server-owned field in request", errors);
  }

  static String summary(List<FieldViolation> errors) {
    return errors.stream()
        .map(e -> (e.field().isEmpty() ? "body" : e.field()) + ": " + e.message())
        .reduce((a, b) -> a + "; " + b)
        .orElse("The job spec is invalid.");
  }
}
