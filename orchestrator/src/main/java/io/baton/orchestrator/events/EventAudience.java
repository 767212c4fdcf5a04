package io.baton.orchestrator.events;

import io.baton.orchestrator.Decision;
import java.util.Set;

/**
 * Which events a reader may see: those of its teams, and the fleet's ({@code node.*}, {@code
 * chip.*}), which every caller may read like the pools and nodes themselves. Events of the platform
 * (tokens, admin webhooks, scheduler rounds, fault injection) have no team and are seen by admins
 * only.
 *
 * @param teams the reader's teams; null for everything (an admin)
 */
@Decision
public record EventAudience(Set<String> teams) {

  public static final EventAudience EVERYTHING = new EventAudience(null);

  public EventAudience {
    teams = teams == null ? null : Set.copyOf(teams);
  }

  public boolean everything() {
    return teams == null;
  }

  public boolean sees(Event event) {
    if (teams == null) {
      return true;
    }
    if (event.team() != null) {
      return teams.contains(event.team());
    }
    return isFleet(event.type());
  }

  static boolean isFleet(String type) {
    return type.startsWith("node.") || type.startsWith("chip.");
  }
}
