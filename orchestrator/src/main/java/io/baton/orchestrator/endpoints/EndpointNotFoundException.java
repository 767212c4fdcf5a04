package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.problems.NotFoundException;

/** No endpoint (or no such revision of it). */
class EndpointNotFoundException extends NotFoundException {

  EndpointNotFoundException(String name) {
    super("endpoint", "name", name);
  }

  EndpointNotFoundException(String name, int revision) {
    super("revision", "number", revision + "' of endpoint '" + name);
  }
}
