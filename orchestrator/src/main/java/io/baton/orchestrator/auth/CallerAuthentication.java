package io.baton.orchestrator.auth;

import io.baton.orchestrator.security.Caller;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated request. People and pipelines carry a {@link Caller} and the authority {@code
 * ROLE_USER} (plus {@code ROLE_ADMIN} for admins); node agents carry their node's name and {@code
 * ROLE_NODE}, which opens no user route.
 */
final class CallerAuthentication extends AbstractAuthenticationToken {

  static final String USER = "ROLE_USER";
  static final String ADMIN = "ROLE_ADMIN";
  static final String NODE = "ROLE_NODE";

  private final Object principal;
  private final String name;

  private CallerAuthentication(Object principal, String name, List<GrantedAuthority> authorities) {
    super(authorities);
    this.principal = principal;
    this.name = name;
    setAuthenticated(true);
  }

  static CallerAuthentication of(Caller caller) {
    List<GrantedAuthority> authorities = new ArrayList<>();
    authorities.add(new SimpleGrantedAuthority(USER));
    if (caller.isAdmin()) {
      authorities.add(new SimpleGrantedAuthority(ADMIN));
    }
    return new CallerAuthentication(caller, caller.actor(), authorities);
  }

  static CallerAuthentication node(String node) {
    return new CallerAuthentication(
        null, "node:" + node, List.of(new SimpleGrantedAuthority(NODE)));
  }

  /** The caller; null for a node agent. */
  @Override
  public Object getPrincipal() {
    return principal;
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  /** A stable key of the identity: the caller's actor, or {@code node:<name>}. */
  @Override
  public String getName() {
    return name;
  }
}
