package io.baton.orchestrator.security;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.baton.orchestrator.Decision;
import java.util.Locale;

/**
 * What a grant lets its holder do in a team, each role including the ones below it; {@code admin}
 * is the platform role, held for every team at once.
 */
@Decision
public enum Role {
  /** Reads the team's jobs, checkpoints, promotions, endpoints and webhooks. */
  VIEWER,
  /** Also submits and cancels the team's jobs and starts promotions of its checkpoints. */
  MEMBER,
  /** Also approves and rejects promotions, rolls back endpoints, manages webhooks and tokens. */
  MAINTAINER,
  /** Everything, on every team, plus pools, nodes, node tokens, the scheduler, fault injection. */
  ADMIN;

  /** The JSON and configuration spelling: lower case. */
  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role includes {@code other}. */
  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  /**
   * @throws IllegalArgumentException when the name is no role
   */
  @JsonCreator
  public static Role parse(String name) {
    for (Role role : values()) {
      if (role.wire().equals(name)) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "'" + name + "' is not a role; use viewer, member, maintainer or admin");
  }
}
