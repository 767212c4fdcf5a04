package io.baton.orchestrator.cluster;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.loops}: the reconcilers' thread pools.
 *
 * @param drivers how many items (promotions, rollouts) one reconciler drives at once; more wait
 *     their turn (4). Each driver may hold a database connection, so keep {@code 2 × drivers} well
 *     under {@code spring.datasource.hikari.maximum-pool-size}.
 */
@ConfigurationProperties("baton.loops")
record LoopProperties(@DefaultValue("4") int drivers) {

  static final int DEFAULT_DRIVERS = 4;

  public LoopProperties {
    if (drivers < 1) {
      throw new IllegalArgumentException("baton.loops.drivers must be at least 1");
    }
  }
}
