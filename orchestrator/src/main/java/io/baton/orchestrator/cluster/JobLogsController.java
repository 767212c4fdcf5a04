package io.baton.orchestrator.cluster;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.security.Caller;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/jobs/{id}/logs?rank=&tail=&attempt=}: what a rank printed, as text. */
@RestController
class JobLogsController {

  private final JobService jobs;
  private final ClusterBackend backend;

  JobLogsController(JobService jobs, ClusterBackend backend) {
    this.jobs = jobs;
    this.backend = backend;
  }

  @GetMapping(path = "/api/v1/jobs/{id}/logs", produces = MediaType.TEXT_PLAIN_VALUE)
  String logs(
      @AuthenticationPrincipal Caller caller,
      @PathVariable UUID id,
      @RequestParam(defaultValue = "0") @Min(0) int rank,
      @RequestParam(defaultValue = "200") @Min(1) @Max(10000) int tail,
      @RequestParam(required = false) Integer attempt) {
    Job job = jobs.get(caller, id);
    if (rank >= job.spec().nodes()) {
      throw BadRequestException.invalidParameter(
          "rank", "the job has ranks 0.." + (job.spec().nodes() - 1));
    }
    int which = attempt == null ? job.attempt() : attempt;
    if (which < 1 || which > job.attempt()) {
      throw BadRequestException.invalidParameter(
          "attempt", job.attempt() == 0 ? "the job has not launched yet" : "1.." + job.attempt());
    }
    return backend.logs(id, which, rank, tail);
  }
}
