package io.baton.orchestrator.security;

import io.baton.orchestrator.problems.ProblemException;

/** Known credentials that do not cover this request: 403. */
public class ForbiddenException extends ProblemException {

  public ForbiddenException(String detail) {
    super(403, "forbidden", "Forbidden", detail);
  }
}
