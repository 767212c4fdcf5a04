package io.baton.orchestrator.pools;

import io.baton.orchestrator.problems.NotFoundException;

/** No pool of that name is configured. */
public class PoolNotFoundException extends NotFoundException {

  public PoolNotFoundException(String name) {
    super("pool", "name", name);
  }
}
