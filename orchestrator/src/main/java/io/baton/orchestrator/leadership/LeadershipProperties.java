package io.baton.orchestrator.leadership;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code baton.leadership}: the lease that makes one replica at a time the owner of the loops that
 * must not run twice. A dead owner is replaced within {@code leaseDuration + retryPeriod} (12 s by
 * default, within the 15 s Baton promises); a cleanly stopped one at once (it releases the lease).
 *
 * @param lease the lease's name (a row of {@code leases}; on Kubernetes also the {@code Lease}
 *     object's name), {@code baton-orchestrator} by default
 * @param replica this replica's name as the lease's holder; by default the host name, the process
 *     id and a random suffix (on Kubernetes the host name is the pod's name)
 * @param leaseDuration how long an acquisition or renewal holds the lease without another renewal
 *     (10 s)
 * @param renewInterval how often the owner renews (2 s; must be well under the lease duration)
 * @param retryPeriod how often a replica that does not lead tries to take the lease (2 s)
 */
@ConfigurationProperties("baton.leadership")
record LeadershipProperties(
    @DefaultValue("baton-orchestrator") String lease,
    @DefaultValue("") String replica,
    @DefaultValue("10s") Duration leaseDuration,
    @DefaultValue("2s") Duration renewInterval,
    @DefaultValue("2s") Duration retryPeriod) {

  public LeadershipProperties {
    if (replica == null || replica.isBlank()) {
      replica = host() + "-" + ProcessHandle.current().pid() + "-" + suffix();
    }
    if (renewInterval.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException(
          "baton.leadership.renew-interval ("
              + renewInterval
              + ") must be shorter than baton.leadership.lease-duration ("
              + leaseDuration
              + ")");
    }
  }

  /** The longest a dead owner's loops stay unowned. */
  public Duration failoverBound() {
    return leaseDuration.plus(retryPeriod);
  }

  private static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "replica";
    }
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 4);
  }
}
