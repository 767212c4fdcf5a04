package io.baton.orchestrator.metrics;

import io.baton.orchestrator.Decision;

/**
 * Why an attempt of a job failed, as a label of few values: the cause the lifecycle wrote is a
 * sentence naming nodes, chips, ranks and exit codes, which would make a series per failure.
 */
@Decision
enum RestartCause {
  HANG("hang"),
  STRAGGLER("straggler"),
  NODE_LOST("node-lost"),
  CHIP_FAULT("chip-fault"),
  ISOLATED("isolated"),
  BACKEND_RESTARTED("backend-restarted"),
  RANK_INFRASTRUCTURE("rank-infrastructure"),
  APPLICATION("application"),
  OTHER("other");

  private static final String INFRA = "infrastructure failure: ";

  final String label;

  RestartCause(String label) {
    this.label = label;
  }

  /** The kind of a cause as the run loop and the straggler watch word it. */
  static RestartCause of(String cause) {
    if (cause == null) {
      return OTHER;
    }
    if (cause.startsWith("HANG")) {
      return HANG;
    }
    if (cause.startsWith("STRAGGLER")) {
      return STRAGGLER;
    }
    if (cause.startsWith("application failure:")) {
      return APPLICATION;
    }
    if (!cause.startsWith(INFRA)) {
      return OTHER;
    }
    String rest = cause.substring(INFRA.length());
    if (rest.startsWith("node ") && rest.endsWith(" lost")) {
      return NODE_LOST;
    }
    if (rest.startsWith("chip ") && rest.endsWith(" FAULT")) {
      return CHIP_FAULT;
    }
    if (rest.startsWith("the ranks are gone")) {
      return BACKEND_RESTARTED;
    }
    if (rest.startsWith("rank ")) {
      return RANK_INFRASTRUCTURE;
    }
    return rest.contains("isolated by the fault policy") ? ISOLATED : OTHER;
  }
}
