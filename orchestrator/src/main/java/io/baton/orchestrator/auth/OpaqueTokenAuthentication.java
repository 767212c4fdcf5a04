package io.baton.orchestrator.auth;

import io.baton.orchestrator.security.AdminToken;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.security.NodeTokens;
import io.baton.orchestrator.security.UnauthorizedException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Baton's own bearer tokens, told apart by prefix: the admin token, API tokens ({@value
 * ApiTokens#PREFIX}) and node tokens ({@value NodeTokens#PREFIX}). Anything else is left to the
 * OIDC provider when one is configured, and refused otherwise.
 */
final class OpaqueTokenAuthentication implements AuthenticationProvider {

  private final AdminToken admin;
  private final ApiTokens apiTokens;
  private final NodeTokens nodeTokens;
  private final boolean oidc;

  OpaqueTokenAuthentication(
      AdminToken admin, ApiTokens apiTokens, NodeTokens nodeTokens, boolean oidc) {
    this.admin = admin;
    this.apiTokens = apiTokens;
    this.nodeTokens = nodeTokens;
    this.oidc = oidc;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String token = ((BearerTokenAuthenticationToken) authentication).getToken();
    if (admin.matches(token)) {
      return CallerAuthentication.of(Caller.admin());
    }
    if (token.startsWith(ApiTokens.PREFIX)) {
      return apiTokens
          .authenticate(token)
          .map(CallerAuthentication::of)
          .orElseThrow(
              () ->
                  new AuthFailure(
                      apiTokens.whyUnusable(token), "Unknown, expired or revoked API token."));
    }
    if (token.startsWith(NodeTokens.PREFIX)) {
      try {
        return CallerAuthentication.node(nodeTokens.authenticate(token));
      } catch (UnauthorizedException e) {
        throw new AuthFailure("unknown-token", "Unknown or revoked node token.");
      }
    }
    if (oidc && token.chars().filter(c -> c == '.').count() == 2) {
      return null;
    }
    throw new AuthFailure("unknown-token", "Unknown bearer token.");
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
