package io.baton.orchestrator.security;

import io.baton.orchestrator.Decision;

/** Something a caller does to a team's objects, and the least role it takes. */
@Decision
public enum Action {
  READ(Role.VIEWER),
  SUBMIT_JOB(Role.MEMBER),
  CANCEL_JOB(Role.MEMBER),
  START_PROMOTION(Role.MEMBER),
  APPROVE_PROMOTION(Role.MAINTAINER),
  MANAGE_ENDPOINT(Role.MAINTAINER),
  MANAGE_WEBHOOKS(Role.MAINTAINER),
  MANAGE_TOKENS(Role.MAINTAINER),
  /** Pools, nodes, node tokens, the scheduler, fault injection, the audit trail. */
  OPERATE_PLATFORM(Role.ADMIN);

  private final Role needs;

  Action(Role needs) {
    this.needs = needs;
  }

  public Role needs() {
    return needs;
  }
}
