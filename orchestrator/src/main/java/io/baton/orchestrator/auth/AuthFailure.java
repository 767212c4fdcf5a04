package io.baton.orchestrator.auth;

import org.springframework.security.core.AuthenticationException;

/**
 * A bearer token Baton does not accept, with the reason counted in {@code
 * baton_auth_failures_total}.
 */
final class AuthFailure extends AuthenticationException {

  private final String reason;

  AuthFailure(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
