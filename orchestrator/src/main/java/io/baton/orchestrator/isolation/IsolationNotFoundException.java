package io.baton.orchestrator.isolation;

import io.baton.orchestrator.problems.NotFoundException;

/** No isolation of that chip or node. */
class IsolationNotFoundException extends NotFoundException {

  public IsolationNotFoundException(String where) {
    super("isolation", "chip", where);
  }
}
