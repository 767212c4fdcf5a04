package io.baton.orchestrator.pools;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.nodes}.
 *
 * @param reportInterval how often agents report (simulated agents use it; real ones are told)
 * @param timeout a node silent longer than this is LOST; defaults to 3 × reportInterval
 * @param livenessCheckInterval how often silent nodes are looked for (once across the cluster)
 */
@ConfigurationProperties("baton.nodes")
record NodesProperties(
    @DefaultValue("5s") Duration reportInterval,
    Duration timeout,
    @DefaultValue("1s") Duration livenessCheckInterval) {

  public NodesProperties {
    if (timeout == null) {
      timeout = reportInterval.multipliedBy(3);
    }
  }
}
