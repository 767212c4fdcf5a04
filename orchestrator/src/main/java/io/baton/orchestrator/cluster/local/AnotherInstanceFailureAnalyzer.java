package io.baton.orchestrator.cluster.local;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a second local-backend instance on one database into a clear message. */
class AnotherInstanceFailureAnalyzer extends AbstractFailureAnalyzer<AnotherInstanceOnDatabase> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, AnotherInstanceOnDatabase cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Stop the other instance, or give this one a database of its own"
            + " (--spring.datasource.url=...), or run several replicas on the kubernetes backend"
            + " (--baton.cluster.backend=kubernetes), where they share the work through a lease.",
        cause);
  }
}
