package io.baton.orchestrator.auth;

import org.springframework.security.authentication.AccountStatusException;

/**
 * A bearer token Baton does not accept, with the reason counted in {@code
 * baton_auth_failures_total}. An {@link AccountStatusException}, so that the provider manager stops
 * here instead of handing the token on to the OIDC provider (a Baton token is no JWT).
 */
final class AuthFailure extends AccountStatusException {

  private final String reason;

  AuthFailure(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
