package io.baton.orchestrator.cluster;

import java.util.UUID;

/**
 * A job's checkpoint directory leads out of the place the backend keeps for it ({@code ..}, an
 * absolute path elsewhere, a symbolic link to elsewhere). Asking again cannot help: the job runner
 * fails the job instead of launching it.
 */
public class CheckpointDirRefused extends IllegalArgumentException {

  public CheckpointDirRefused(UUID jobId, String why) {
    super("checkpoint directory of job " + jobId + " refused: " + why);
  }
}
