package io.baton.orchestrator.scheduling;

import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The chips booked to jobs ({@code allocations}), as other features change them. */
@Component
public class Allocations {

  private final SchedulingRepository repository;

  Allocations(SchedulingRepository repository) {
    this.repository = repository;
  }

  /** Frees every chip the job holds, in the caller's transaction. */
  public void release(UUID job) {
    repository.release(List.of(job));
  }
}
