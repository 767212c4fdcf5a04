package io.baton.agent.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The node name to use when none is given: {@code $NODE_NAME} (Kubernetes), else the hostname. */
final class Hostname {

  private Hostname() {}

  static String nodeName() {
    String fromEnv = System.getenv("NODE_NAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
