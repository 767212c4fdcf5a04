package io.baton.orchestrator.goodput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.baton.orchestrator.goodput.Ledger.Account;
import io.baton.orchestrator.goodput.Ledger.Attempt;
import io.baton.orchestrator.goodput.Ledger.Kind;
import io.baton.orchestrator.goodput.Ledger.Progress;
import io.baton.orchestrator.goodput.Ledger.Timeline;
import io.baton.orchestrator.goodput.Ledger.Totals;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ledger's arithmetic on scripted timelines. Times are seconds after {@link #T0}; each test
 * states where every second went, so the expected sums can be read off the script.
 */
class LedgerTest {

  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  static Instant t(double seconds) {
    return T0.plusNanos((long) (seconds * 1e9));
  }

  static Progress steps(double firstAt, long lastStep, double lastAt, Double caughtUpAt) {
    return new Progress(t(firstAt), lastStep, t(lastAt), caughtUpAt == null ? null : t(caughtUpAt));
  }

  static Attempt attempt(
      int number, int chips, double admitted, Double released, long resumedFrom, Progress p) {
    return new Attempt(
        number,
        chips,
        t(admitted),
        released == null ? null : t(released),
        resumedFrom,
        p,
        null,
        false);
  }

  static Attempt failed(Attempt a, double at, boolean hang) {
    return new Attempt(
        a.number(),
        a.chips(),
        a.admittedAt(),
        a.releasedAt(),
        a.resumedFromStep(),
        a.progress(),
        t(at),
        hang);
  }

  static Totals totals(Timeline timeline, double now) {
    Account account = Ledger.account(timeline, t(now));
    Totals totals = account.totals();
    assertThat(totals.productive() + totals.redone() + totals.recovery() + totals.stalled())
        .as("the parts add up to the allocated chip-seconds")
        .isCloseTo(totals.allocated(), within(1e-6));
    return totals;
  }

  static void assertTotals(
      Totals actual,
      double allocated,
      double productive,
      double redone,
      double recovery,
      double stalled,
      double queued) {
    assertThat(actual.allocated()).as("allocated").isCloseTo(allocated, within(1e-6));
    assertThat(actual.productive()).as("productive").isCloseTo(productive, within(1e-6));
    assertThat(actual.redone()).as("redone").isCloseTo(redone, within(1e-6));
    assertThat(actual.recovery()).as("recovery").isCloseTo(recovery, within(1e-6));
    assertThat(actual.stalled()).as("stalled").isCloseTo(stalled, within(1e-6));
    assertThat(actual.queuedSeconds()).as("queued").isCloseTo(queued, within(1e-6));
  }

  @Test
  void aCleanRunIsProductiveFromAdmissionToRelease() {
    // queued 0–10; 8 chips held 10–110: starting up 10–15, steps 15–105, exiting 105–110.
    Timeline clean =
        new Timeline(t(0), t(110), List.of(attempt(1, 8, 10, 110.0, 0, steps(15, 100, 105, 15.0))));

    assertTotals(totals(clean, 500), 800, 800, 0, 0, 0, 10);
  }

  @Test
  void aRestartRedoesTheStepsSinceTheCheckpointAndRecoversUntilItsFirstNewStep() {
    // Attempt 1 (16 chips, 0–60): steps 5–40 reach step 70; the chip faults at 40, found at 42,
    // chips released at 45. Queued again 45–50. Attempt 2 (16 chips, 50–200) resumes from step 50:
    // first step at 58, back at step 70 at 62, last step at 190, exits at 200.
    Attempt first = failed(attempt(1, 16, 0, 45.0, 0, steps(5, 70, 40, 5.0)), 42, false);
    Attempt second = attempt(2, 16, 50, 200.0, 50, steps(58, 300, 190, 62.0));
    Timeline restarted = new Timeline(t(0), t(200), List.of(first, second));

    // productive: 0–40 and 62–200 = 40 + 138 s; redone 58–62 = 4 s;
    // recovery: 40–45 (from the last step to the release) and 50–58 = 5 + 8 s.
    assertTotals(totals(restarted, 300), 16 * 195, 16 * 178, 16 * 4, 16 * 13, 0, 5);
  }

  @Test
  void aHangIsStalledUntilDetectedThenRecovery() {
    // Attempt 1 (8 chips, 0–100): last step at 30, no step after; the hang found at 90 (timeout
    // 60 s), released at 95. Attempt 2 (8 chips, 100–200): first step 110, caught up at 120.
    Attempt hung = failed(attempt(1, 8, 0, 95.0, 0, steps(2, 30, 30, 2.0)), 90, true);
    Attempt resumed = attempt(2, 8, 100, 200.0, 20, steps(110, 60, 195, 120.0));
    Timeline timeline = new Timeline(t(0), t(200), List.of(hung, resumed));

    // productive 0–30 + 120–200 = 110 s; stalled 30–90 = 60 s; recovery 90–95 + 100–110 = 15 s;
    // redone 110–120 = 10 s; queued 95–100.
    assertTotals(totals(timeline, 250), 8 * 195, 8 * 110, 8 * 10, 8 * 15, 8 * 60, 5);
  }

  @Test
  void aHangBeforeTheFirstStepIsStalledFromTheStart() {
    // Loading never finished: 4 chips 0–300, startup timeout found it at 300, released at 301.
    Attempt hung = failed(attempt(1, 4, 0, 301.0, 0, null), 300, true);
    Timeline timeline = new Timeline(t(0), t(301), List.of(hung));

    assertTotals(totals(timeline, 400), 4 * 301, 0, 0, 4 * 1, 4 * 300, 0);
  }

  @Test
  void aQueuedWaitHoldsNoChips() {
    // Submitted at 0, still waiting at 120.
    assertTotals(totals(new Timeline(t(0), null, List.of()), 120), 0, 0, 0, 0, 0, 120);
    // Cancelled at 40 while waiting: the wait ends there.
    assertTotals(totals(new Timeline(t(0), t(40), List.of()), 120), 0, 0, 0, 0, 0, 40);
  }

  @Test
  void anAttemptStillRunningIsCountedUntilNow() {
    // 8 chips since 10, last step at 95, now 100: the time since the last step is not (yet) a
    // failure.
    Timeline running =
        new Timeline(t(0), null, List.of(attempt(1, 8, 10, null, 0, steps(20, 80, 95, 20.0))));

    assertTotals(totals(running, 100), 8 * 90, 8 * 90, 0, 0, 0, 10);
  }

  @Test
  void aRestartStillStartingIsRecoveryUntilNow() {
    Attempt first = failed(attempt(1, 8, 0, 50.0, 0, steps(5, 40, 40, 5.0)), 41, false);
    Attempt second = attempt(2, 8, 60, null, 30, null);
    Timeline timeline = new Timeline(t(0), null, List.of(first, second));

    // productive 0–40; recovery 40–50 and 60–90.
    assertTotals(totals(timeline, 90), 8 * 80, 8 * 40, 0, 8 * 40, 0, 10);
  }

  @Test
  void aRestartThatNeverCaughtUpRedoesEverythingItComputed() {
    // Attempt 2 resumed from step 50 of 80 and failed again at step 70.
    Attempt first = failed(attempt(1, 2, 0, 100.0, 0, steps(10, 80, 90, 10.0)), 95, false);
    Attempt second = failed(attempt(2, 2, 100, 150.0, 50, steps(110, 70, 130, null)), 140, false);
    Attempt third = attempt(3, 2, 150, 300.0, 50, steps(160, 200, 290, 180.0));
    Timeline timeline = new Timeline(t(0), t(300), List.of(first, second, third));

    // productive 0–90, 180–300; redone 110–130, 160–180; recovery 90–100, 100–110, 130–150,
    // 150–160.
    assertTotals(totals(timeline, 300), 2 * 300, 2 * 210, 2 * 40, 2 * 50, 0, 0);
  }

  @Test
  void aStragglerSlowsStepsButTheyStillCountAndAReplacementIsARestart() {
    // A straggler makes steps 1.5× slower: 8 chips, steps 0–100 at 1 s, 100–160 at 1.5 s each
    // (step 140 at 160). The replacement (reason STRAGGLER…) restarts from the checkpoint at
    // step 120: found at 161, released at 165; attempt 2 on other nodes from 170, first step at
    // 175, back at step 140 at 195 (1 s steps), done at 255.
    Attempt slow = failed(attempt(1, 8, 0, 165.0, 0, steps(1, 140, 160, 1.0)), 161, false);
    Attempt replaced = attempt(2, 8, 170, 255.0, 120, steps(175, 200, 255, 195.0));
    Timeline timeline = new Timeline(t(0), t(255), List.of(slow, replaced));

    // The slow steps are productive (they count, only slower): 0–160 and 195–255.
    // recovery 160–165, 170–175; redone 175–195 (20 steps at 1 s: what the replacement cost).
    assertTotals(totals(timeline, 255), 8 * 250, 8 * 220, 8 * 20, 8 * 10, 0, 5);
  }

  @Test
  void timesOutOfOrderAreClampedSoTheSumStillHolds() {
    // Progress read after the failure was recorded, and a first step before the admission (clock
    // skew between an agent and the orchestrator).
    Attempt skewed = failed(attempt(1, 8, 10, 60.0, 0, steps(8, 50, 58, 8.0)), 55, false);
    Timeline timeline = new Timeline(t(0), t(60), List.of(skewed));

    assertTotals(totals(timeline, 60), 8 * 50, 8 * 45, 0, 8 * 5, 0, 10);
  }

  @Test
  void byDaySplitsASegmentAtMidnightUtc() {
    Instant evening = Instant.parse("2025-03-01T23:00:00Z");
    Instant morning = Instant.parse("2025-03-02T01:00:00Z");
    Timeline overnight =
        new Timeline(
            evening.minusSeconds(600),
            morning,
            List.of(
                new Attempt(
                    1,
                    4,
                    evening,
                    morning,
                    0,
                    new Progress(evening, 10, morning, evening),
                    null,
                    false)));
    Account account = Ledger.account(overnight, morning);

    Map<LocalDate, Totals> days =
        Ledger.byDay(account.segments(), LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 2));

    assertThat(days).containsOnlyKeys(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 2));
    assertTotals(days.get(LocalDate.of(2025, 3, 1)), 4 * 3600, 4 * 3600, 0, 0, 0, 600);
    assertTotals(days.get(LocalDate.of(2025, 3, 2)), 4 * 3600, 4 * 3600, 0, 0, 0, 0);
    assertThat(Ledger.byDay(account.segments(), LocalDate.of(2025, 3, 2), LocalDate.of(2025, 3, 2)))
        .containsOnlyKeys(LocalDate.of(2025, 3, 2));
  }

  @Test
  void hangReasonsStartWithHang() {
    assertThat(Ledger.isHang("HANG: no step from ranks 0, 1 for PT5M")).isTrue();
    assertThat(Ledger.isHang("infrastructure failure: chip n/3 FAULT")).isFalse();
    assertThat(Ledger.isHang(null)).isFalse();
    assertThat(Kind.RECOVERY.wire()).isEqualTo("recovery");
  }
}
