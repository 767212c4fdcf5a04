package io.baton.orchestrator.persistence;

import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * This orchestrator process, as it signs row-level claims: the host name and a random suffix, new
 * at every start (a restarted process does not inherit the claims of the one before; they run out).
 */
@Component
public class Instance {

  private final String id;

  Instance() {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "orchestrator";
      }
    }
    this.id = host + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The owner this process writes into {@code claimed_by}. */
  public String id() {
    return id;
  }
}
