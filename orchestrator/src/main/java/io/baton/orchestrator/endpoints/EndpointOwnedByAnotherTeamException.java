package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.security.ForbiddenException;

/** A checkpoint of one team promoted to an endpoint another team owns: 403, and nothing changes. */
public class EndpointOwnedByAnotherTeamException extends ForbiddenException {

  public EndpointOwnedByAnotherTeamException(String endpoint) {
    super("endpoint: '" + endpoint + "' belongs to another team.");
  }
}
