package io.baton.orchestrator.jobs;

import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import java.util.List;

/** A well-formed spec that cannot run on this fleet (unknown pool, too large): 422. */
class JobSpecRejectedException extends ProblemException {

  JobSpecRejectedException(List<FieldViolation> errors) {
    super(
        422,
        "job-spec-rejected",
        "Job spec cannot run on this fleet",
        InvalidJobSpecException.summary(errors),
        errors);
  }
}
