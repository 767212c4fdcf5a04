package io.baton.orchestrator.cluster;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.cluster}: which backend turns decisions into processes.
 *
 * @param backend {@code local} (child processes and simulated nodes on this machine, the default)
 *     or {@code kubernetes}
 */
@ConfigurationProperties("baton.cluster")
record ClusterProperties(@DefaultValue("local") Backend backend) {

  /** The backends Baton has. */
  public enum Backend {
    LOCAL,
    KUBERNETES
  }
}
