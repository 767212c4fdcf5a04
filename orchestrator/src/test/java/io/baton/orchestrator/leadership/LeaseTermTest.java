package io.baton.orchestrator.leadership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a replica believes it leads, and the fence it writes with meanwhile. */
class LeaseTermTest {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @Test
  void theTermIsCountedFromBeforeTheRequestNotFromTheAnswer() {
    long asked = 1_000_000_000L;
    LeaseTerm term = LeaseTerm.of(7, asked, TEN_SECONDS);

    assertThat(term.live(asked + TEN_SECONDS.toNanos() - 1)).isTrue();
    assertThat(term.live(asked + TEN_SECONDS.toNanos())).isFalse();
  }

  @Test
  void theTermSurvivesTheNanoClockWrappingAround() {
    long asked = Long.MAX_VALUE - 5;
    LeaseTerm term = LeaseTerm.of(1, asked, TEN_SECONDS);

    assertThat(term.live(asked + 10)).as("past Long.MAX_VALUE, inside the term").isTrue();
  }

  @Test
  void aLiveTermFencesWithItsTokenAndALapsedOrMissingOneDoesNot() {
    LeaseTerm term = LeaseTerm.of(42, 0, TEN_SECONDS);

    assertThat(LeaseTerm.fence(term, "baton-orchestrator", "r1", 5))
        .hasValue(new Fence("baton-orchestrator", "r1", 42));
    assertThat(LeaseTerm.fence(term, "baton-orchestrator", "r1", TEN_SECONDS.toNanos())).isEmpty();
    assertThat(LeaseTerm.fence(null, "baton-orchestrator", "r1", 5)).as("never acquired").isEmpty();
  }

  @Test
  void aLeaderRenewsAtItsIntervalAndAFollowerRetriesAtItsPeriod() {
    Duration renew = Duration.ofSeconds(2);
    Duration retry = Duration.ofSeconds(3);

    assertThat(LeaseTerm.nextAttempt(true, renew, retry)).isEqualTo(renew);
    assertThat(LeaseTerm.nextAttempt(false, renew, retry)).isEqualTo(retry);
  }
}
