package io.baton.orchestrator.checkpoints;

import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The checkpoint registry: what each job saved, where, verified or not, kept or deleted. */
@RestController
@RequestMapping("/api/v1/checkpoints")
class CheckpointsController {

  private final CheckpointRepository checkpoints;
  private final Cursors cursors;

  CheckpointsController(CheckpointRepository checkpoints, Cursors cursors) {
    this.checkpoints = checkpoints;
    this.cursors = cursors;
  }

  /** Newest first; deleted ones only with {@code includeDeleted=true}. */
  @GetMapping
  Page<Checkpoint> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) UUID jobId,
      @RequestParam(defaultValue = "false") boolean includeDeleted,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    String scope = "checkpoints|" + jobId + "|" + includeDeleted;
    Instant afterTime = null;
    UUID afterId = null;
    if (cursor != null) {
      List<String> position = cursors.decode(scope, cursor, 2);
      afterTime = Instant.parse(position.get(0));
      afterId = UUID.fromString(position.get(1));
    }
    List<Checkpoint> page =
        checkpoints.list(
            jobId, includeDeleted, caller.visibleTeams(), afterTime, afterId, limit + 1);
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Checkpoint> items = List.copyOf(page.subList(0, limit));
    Checkpoint last = items.get(limit - 1);
    return new Page<>(
        items, cursors.encode(scope, List.of(last.reportedAt().toString(), last.id().toString())));
  }

  @GetMapping("/{id}")
  Checkpoint get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    Checkpoint checkpoint = checkpoints.get(id);
    caller.mustSee(checkpoint.team(), () -> new CheckpointNotFoundException(id));
    return checkpoint;
  }
}
