package io.baton.orchestrator.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baton.orchestrator.Decision;

/**
 * A role in a team. An {@code admin} grant has no team (it covers every team).
 *
 * @param team the team, null for {@code admin}
 * @param role what the holder may do there
 */
@Decision
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Grant(String team, Role role) {

  public Grant {
    if (role == null) {
      throw new IllegalArgumentException("a grant needs a role");
    }
    if (role == Role.ADMIN) {
      team = null;
    } else if (team == null || team.isBlank()) {
      throw new IllegalArgumentException("a " + role.wire() + " grant needs a team");
    }
  }

  public static Grant admin() {
    return new Grant(null, Role.ADMIN);
  }

  /** Whether this grant lets its holder act as {@code needed} in {@code inTeam}. */
  public boolean covers(String inTeam, Role needed) {
    if (role == Role.ADMIN) {
      return true;
    }
    return needed != Role.ADMIN && team.equals(inTeam) && role.includes(needed);
  }

  /** Whether this grant is no wider than {@code other}: one may hand on only what one holds. */
  public boolean within(Grant other) {
    return other.covers(team, role);
  }
}
