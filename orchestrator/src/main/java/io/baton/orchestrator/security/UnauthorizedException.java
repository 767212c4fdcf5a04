package io.baton.orchestrator.security;

import io.baton.orchestrator.problems.ProblemException;

/** No credentials, or credentials Baton does not know (or has revoked): 401. */
public class UnauthorizedException extends ProblemException {

  public UnauthorizedException(String detail) {
    super(401, "unauthorized", "Unauthorized", detail);
  }
}
