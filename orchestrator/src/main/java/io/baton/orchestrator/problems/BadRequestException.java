package io.baton.orchestrator.problems;

import java.util.List;

/** The request is malformed: a bad parameter, header or body. */
public class BadRequestException extends ProblemException {

  public BadRequestException(
      String type, String title, String detail, List<FieldViolation> errors) {
    super(400, type, title, detail, errors);
  }

  public BadRequestException(String type, String title, String detail) {
    super(400, type, title, detail);
  }

  /** A bad query parameter or header, named. */
  public static BadRequestException invalidParameter(String name, String message) {
    return new BadRequestException(
        "invalid-parameter",
        "Invalid parameter",
        name + ": " + message,
        List.of(new FieldViolation(name, message)));
  }
}
