package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.Decision;
import java.util.List;

/**
 * Which event types a subscription's patterns select: an exact type ({@code job.state}), every type
 * under a prefix ({@code job.*} selects {@code job.state} and {@code job.restart}, not {@code
 * jobs.state}), or {@code *} for all. New event types need no change here.
 */
@Decision
final class EventPatterns {

  private EventPatterns() {}

  static boolean matches(List<String> patterns, String type) {
    return patterns.stream().anyMatch(p -> matches(p, type));
  }

  static boolean matches(String pattern, String type) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith(".*")) {
      String prefix = pattern.substring(0, pattern.length() - 1);
      return type.length() > prefix.length() && type.startsWith(prefix);
    }
    return pattern.equals(type);
  }
}
