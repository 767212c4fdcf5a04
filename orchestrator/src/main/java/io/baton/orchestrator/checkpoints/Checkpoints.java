package io.baton.orchestrator.checkpoints;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The checkpoints other features read and mark: promotion's gates and its serving revisions. */
@Component
public class Checkpoints {

  private final CheckpointRepository repository;

  Checkpoints(CheckpointRepository repository) {
    this.repository = repository;
  }

  public Optional<Checkpoint> find(UUID id) {
    return repository.find(id);
  }

  /**
   * @throws CheckpointNotFoundException when there is no such checkpoint
   */
  public Checkpoint get(UUID id) {
    return repository.get(id);
  }

  /** A job's checkpoints whose files are kept, highest step first. */
  public List<Checkpoint> live(UUID jobId) {
    return repository.live(jobId);
  }

  /** Records the outcome of hashing the checkpoint's file. */
  public void markVerified(UUID id, boolean verified, Instant at) {
    repository.markVerified(id, verified, at);
  }

  /** An endpoint revision serves it: retention keeps it from now on. */
  public void markPromoted(UUID id) {
    repository.markPromoted(id);
  }
}
