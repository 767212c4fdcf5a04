package io.baton.orchestrator.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.jobs.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExpiryTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Instant CUTOFF = Expiry.cutoff(NOW, Duration.ofDays(90));

  @Test
  void theCutoffIsTheRetentionBeforeNow() {
    assertThat(CUTOFF).isEqualTo(Instant.parse("2026-03-03T00:00:00Z"));
  }

  @Test
  void eventsGoFromTheStartOfTheFeedUpToTheFirstYoungOne() {
    Instant old = CUTOFF.minusSeconds(1);
    Instant young = CUTOFF.plusSeconds(1);

    assertThat(Expiry.expiredPrefix(List.of(old, old, young, old), CUTOFF)).isEqualTo(2);
    assertThat(Expiry.expiredPrefix(List.of(young, old), CUTOFF)).isZero();
    assertThat(Expiry.expiredPrefix(List.of(old, old), CUTOFF)).isEqualTo(2);
    assertThat(Expiry.expiredPrefix(List.of(), CUTOFF)).isZero();
  }

  @Test
  void anEventExactlyAtTheCutoffStays() {
    assertThat(Expiry.expiredPrefix(List.of(CUTOFF), CUTOFF)).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = JobState.class,
      names = {"SUCCEEDED", "FAILED", "CANCELLED"})
  void aFinishedJobPastRetentionGoes(JobState state) {
    assertThat(Expiry.purgeable(aJob(state, CUTOFF.minusSeconds(1), false, false), CUTOFF))
        .isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = JobState.class,
      names = {"SUCCEEDED", "FAILED", "CANCELLED"},
      mode = EnumSource.Mode.EXCLUDE)
  void aJobThatHasNotFinishedStaysHoweverOld(JobState state) {
    assertThat(Expiry.purgeable(aJob(state, Instant.EPOCH, false, false), CUTOFF)).isFalse();
  }

  @Test
  void aFinishedJobWithinRetentionStays() {
    assertThat(Expiry.purgeable(aJob(JobState.SUCCEEDED, CUTOFF, false, false), CUTOFF)).isFalse();
  }

  @Test
  void aJobWhoseCheckpointARevisionServesOrServedStays() {
    assertThat(Expiry.purgeable(aJob(JobState.SUCCEEDED, Instant.EPOCH, true, false), CUTOFF))
        .isFalse();
  }

  @Test
  void aJobWithAPromotionInFlightStays() {
    assertThat(Expiry.purgeable(aJob(JobState.SUCCEEDED, Instant.EPOCH, false, true), CUTOFF))
        .isFalse();
  }

  private static Expiry.FinishedJob aJob(
      JobState state, Instant lastActivity, boolean served, boolean promoting) {
    return new Expiry.FinishedJob(UUID.randomUUID(), state, lastActivity, served, promoting);
  }
}
