package io.baton.orchestrator.security;

import io.baton.orchestrator.Decision;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Who is calling, as every route's walls see it: a stable id, a name for people, how it proved
 * itself and what it was granted.
 *
 * @param id stable key of the identity: the API token's id, the JWT's subject, {@code admin}
 * @param name what people call it: the token's name, the JWT's preferred user name or subject
 * @param kind how it authenticated
 * @param grants the roles it holds
 */
@Decision
public record Caller(String id, String name, Kind kind, List<Grant> grants) {

  /** How a caller proved who it is. */
  public enum Kind {
    /** The bootstrap admin token. */
    ADMIN_TOKEN,
    /** An API token issued through {@code POST /api/v1/tokens}. */
    API_TOKEN,
    /** A JWT from the configured OIDC issuer. */
    OIDC
  }

  public Caller {
    grants = List.copyOf(grants);
  }

  /** The bootstrap identity. */
  public static Caller admin() {
    return new Caller("admin", "admin", Kind.ADMIN_TOKEN, List.of(Grant.admin()));
  }

  public boolean isAdmin() {
    return grants.stream().anyMatch(g -> g.role() == Role.ADMIN);
  }

  /** Whether the caller may do {@code action} to an object of {@code team}. */
  public boolean may(Action action, String team) {
    return grants.stream().anyMatch(g -> g.covers(team, action.needs()));
  }

  /** Whether the caller may see objects of {@code team} at all. */
  public boolean sees(String team) {
    return may(Action.READ, team);
  }

  /**
   * The teams whose objects the caller sees; null means every team (an admin). Lists and feeds
   * filter with it.
   */
  public Set<String> visibleTeams() {
    if (isAdmin()) {
      return null;
    }
    Set<String> teams = new TreeSet<>();
    grants.forEach(g -> teams.add(g.team()));
    return teams;
  }

  /**
   * The object of {@code team} is visible to the caller, or else does not exist for it.
   *
   * @throws RuntimeException the not-found problem {@code notFound} makes, exactly as for an object
   *     that does not exist
   */
  public void mustSee(String team, Supplier<? extends RuntimeException> notFound) {
    if (!sees(team)) {
      throw notFound.get();
    }
  }

  /**
   * The caller may see the object and do {@code action} to it: 404 as if it did not exist when it
   * may not see it, 403 when it may see but not act.
   */
  public void mustBeAllowed(
      Action action, String team, Supplier<? extends RuntimeException> notFound) {
    mustSee(team, notFound);
    mustBeAllowedIn(action, team);
  }

  /**
   * The caller may act on behalf of {@code team} where there is no object yet (submitting a job,
   * issuing a token): 403 otherwise, since the team's name is the caller's own input.
   */
  public void mustBeAllowedIn(Action action, String team) {
    if (!may(action, team)) {
      throw new ForbiddenException(
          "Acting as "
              + name
              + ", you may not "
              + action.name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + " in team '"
              + team
              + "': it needs the role "
              + action.needs().wire()
              + ".");
    }
  }

  /** The platform role. */
  public void mustBeAdmin() {
    if (!isAdmin()) {
      throw new ForbiddenException("Only an admin may do this.");
    }
  }

  /** How events record this caller: {@code token:<id>:<name>}, {@code oidc:<subject>}, …. */
  public String actor() {
    return switch (kind) {
      case ADMIN_TOKEN -> "admin";
      case API_TOKEN -> "token:" + id + ":" + name;
      case OIDC -> "oidc:" + id;
    };
  }
}
