package io.baton.cli.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EtaTest {

  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void paceOfTheRecentStepsGivesTheTimeLeft() {
    Eta eta = new Eta();
    eta.observe(100, T0);
    eta.observe(110, T0.plusSeconds(1));
    eta.observe(120, T0.plusSeconds(2));

    assertThat(eta.stepsPerSecond()).isEqualTo(10.0);
    assertThat(eta.remaining(120, 600)).isEqualTo(Duration.ofSeconds(48));
    assertThat(Eta.format(Duration.ofSeconds(48))).isEqualTo("0:48");
    assertThat(Eta.format(Duration.ofSeconds(3 * 3600 + 65))).isEqualTo("3:01:05");
    assertThat(Eta.format(null)).isEqualTo("?");
  }

  @Test
  void aResumeFromACheckpointStartsThePaceAgain() {
    Eta eta = new Eta();
    eta.observe(100, T0);
    eta.observe(200, T0.plusSeconds(1));
    eta.observe(150, T0.plusSeconds(30));

    assertThat(eta.remaining(150, 600)).as("one sample since the resume: unknown").isNull();
    eta.observe(155, T0.plusSeconds(31));
    assertThat(eta.stepsPerSecond()).isEqualTo(5.0);
  }

  @Test
  void unknownWithoutTwoReportsOrATotal() {
    Eta eta = new Eta();
    assertThat(eta.remaining(0, 100)).isNull();
    eta.observe(1, T0);
    eta.observe(2, T0.plusSeconds(1));
    assertThat(eta.remaining(2, 0)).isNull();
  }
}
