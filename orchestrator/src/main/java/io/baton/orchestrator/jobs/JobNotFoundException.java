package io.baton.orchestrator.jobs;

import io.baton.orchestrator.problems.NotFoundException;
import java.util.UUID;

/** No job with that id. */
public class JobNotFoundException extends NotFoundException {

  public JobNotFoundException(UUID id) {
    super("job", id.toString());
  }
}
