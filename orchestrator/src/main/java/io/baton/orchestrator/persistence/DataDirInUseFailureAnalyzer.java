package io.baton.orchestrator.persistence;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a start on a busy data directory into a two-line message instead of a stack trace. */
class DataDirInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirInUseException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, DataDirInUseException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Stop the other instance ("
            + cause.owner()
            + "), or start this one with "
            + "--baton.data-dir=<another directory>, or use an external database with "
            + "--spring.datasource.url=jdbc:postgresql://...",
        cause);
  }
}
