package io.baton.orchestrator.leadership;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} → {@code components.leadership}: who leads, this replica's name and
 * whether it is the one, the fencing token and the lease's expiry. Always UP: a replica that does
 * not lead is healthy (it serves the API and takes over when the owner dies).
 */
@Component("leadership")
class LeadershipHealth implements HealthIndicator {

  private final Leadership leadership;

  LeadershipHealth(Leadership leadership) {
    this.leadership = leadership;
  }

  @Override
  public Health health() {
    Health.Builder health =
        Health.up()
            .withDetail("replica", leadership.replica())
            .withDetail("leader", leadership.isLeader());
    try {
      LeaseView lease = leadership.view();
      health
          .withDetail("lease", lease.name())
          .withDetail("holder", lease.holder() == null ? "" : lease.holder())
          .withDetail("token", lease.token())
          .withDetail("expiresAt", lease.expiresAt() == null ? "" : lease.expiresAt().toString());
    } catch (RuntimeException e) {
      health.withDetail("holder", "unknown: " + e.getMessage());
    }
    return health.build();
  }
}
