package io.baton.orchestrator.jobs;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/jobs")
class JobsController {

  private final JobService jobs;

  JobsController(JobService jobs) {
    this.jobs = jobs;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<JobResource> submit(
      @AuthenticationPrincipal Caller caller,
      @RequestBody JsonNode body,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    JobService.Submission submission =
        jobs.submit(caller, body, Optional.ofNullable(idempotencyKey));
    Job job = submission.job();
    var response = ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id()));
    if (submission.replayed()) {
      response.header("Idempotent-Replayed", "true");
    }
    return response.body(resource(job));
  }

  /** The job as the API shows it: secret env values masked, all of them if the team says so. */
  private JobResource resource(Job job) {
    return JobResource.of(job, jobs.redactsAllEnv(job.spec().team()));
  }

  /** One job; while it starts or runs, with its step clock (lastStepAt, hangTimeout). */
  @GetMapping("/{id}")
  JobResource get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    Job job = jobs.get(caller, id);
    return JobResource.of(
        job, jobs.redactsAllEnv(job.spec().team()), jobs.liveness(job).orElse(null));
  }

  @GetMapping
  Page<JobResource> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) JobState state,
      @RequestParam(required = false) String team,
      @RequestParam(required = false) String pool,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    Page<Job> page = jobs.list(caller, new JobQuery(state, team, pool), limit, cursor);
    return new Page<>(page.items().stream().map(this::resource).toList(), page.nextCursor());
  }

  @PostMapping("/{id}/cancel")
  JobResource cancel(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    return resource(jobs.cancel(caller, id));
  }

  /** {@code {"points": [...]}}: the series a loss curve is drawn from, in step order. */
  record ProgressSeries(UUID jobId, List<ProgressPoint> points) {}

  @GetMapping("/{id}/progress")
  ProgressSeries progress(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    return new ProgressSeries(id, jobs.progress(caller, id));
  }

  @GetMapping("/{id}/events")
  Page<Event> events(
      @AuthenticationPrincipal Caller caller,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    return jobs.events(caller, id, limit, cursor);
  }
}
