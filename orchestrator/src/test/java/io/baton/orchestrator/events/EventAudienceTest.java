package io.baton.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventAudienceTest {

  private static Event event(String type, String team) {
    return new Event(1, type, "x", null, null, null, null, "admin", Instant.EPOCH, team);
  }

  @Test
  void aTeamReaderSeesItsTeamsEvents() {
    EventAudience a = new EventAudience(Set.of("team-a"));
    assertThat(a.sees(event("job.state", "team-a"))).isTrue();
    assertThat(a.sees(event("job.state", "team-b"))).isFalse();
  }

  @Test
  void everyReaderSeesTheFleet() {
    EventAudience a = new EventAudience(Set.of("team-a"));
    assertThat(a.sees(event("node.state", null))).isTrue();
    assertThat(a.sees(event("chip.health", null))).isTrue();
  }

  @Test
  void platformEventsAreForAdminsOnly() {
    assertThat(new EventAudience(Set.of("team-a")).sees(event("token.issued", null))).isFalse();
    assertThat(EventAudience.EVERYTHING.sees(event("token.issued", null))).isTrue();
  }
}
