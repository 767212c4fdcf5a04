package io.baton.orchestrator.checkpoints;

import io.baton.orchestrator.problems.NotFoundException;
import java.util.UUID;

/** No checkpoint has this id. */
class CheckpointNotFoundException extends NotFoundException {

  public CheckpointNotFoundException(UUID id) {
    super("checkpoint", id.toString());
  }
}
