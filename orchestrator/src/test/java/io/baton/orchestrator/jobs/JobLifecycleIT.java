package io.baton.orchestrator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Every (from, to) pair of the lifecycle, against the real database. */
class JobLifecycleIT extends IntegrationTest {

  @Autowired JobLifecycle lifecycle;
  @Autowired JobRepository jobs;
  @Autowired JdbcClient jdbc;

  static Stream<Arguments> everyPair() {
    return JobStateTest.everyPair();
  }

  @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
  @MethodSource("everyPair")
  void transitionIsAppliedOrRefusedAtomically(JobState from, JobState to, boolean allowed) {
    Job job = aJobIn(from);
    int eventsBefore = eventCount(job.id());

    if (allowed) {
      Job moved = lifecycle.transition(job.id(), job.version(), to, "test", "tester");

      assertThat(moved.state()).isEqualTo(to);
      assertThat(moved.version()).isEqualTo(job.version() + 1);
      assertThat(jobs.find(job.id()).orElseThrow()).isEqualTo(moved);
      assertThat(lastEvent(job.id())).containsExactly(from.name(), to.name(), "test", "tester");
      assertThat(eventCount(job.id())).isEqualTo(eventsBefore + 1);
    } else {
      assertThatThrownBy(() -> lifecycle.transition(job.id(), job.version(), to, "test", "tester"))
          .isInstanceOfSatisfying(
              IllegalJobStateChange.class,
              e -> {
                assertThat(e.from()).isEqualTo(from);
                assertThat(e.to()).isEqualTo(to);
                assertThat(e.status()).isEqualTo(409);
              });
      assertThat(jobs.find(job.id()).orElseThrow()).isEqualTo(job);
      assertThat(eventCount(job.id())).isEqualTo(eventsBefore);
    }
  }

  @Test
  void aStaleVersionIsRefusedAndChangesNothing() {
    Job job = aJobIn(JobState.QUEUED);
    lifecycle.transition(job.id(), job.version(), JobState.ADMITTED, "placed", "scheduler");

    assertThatThrownBy(
            () -> lifecycle.transition(job.id(), job.version(), JobState.CANCELLING, "x", "api"))
        .isInstanceOf(ConcurrentJobChange.class);
    assertThat(jobs.find(job.id()).orElseThrow().state()).isEqualTo(JobState.ADMITTED);
  }

  @Test
  void concurrentTransitionsFromOneVersionLetExactlyOneWin() throws Exception {
    Job job = aJobIn(JobState.QUEUED);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> attempts = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        JobState to = i % 2 == 0 ? JobState.ADMITTED : JobState.CANCELLING;
        attempts.add(
            () -> {
              try {
                lifecycle.transition(job.id(), job.version(), to, "race", "racer");
                return true;
              } catch (ConcurrentJobChange e) {
                return false;
              }
            });
      }
      long winners = 0;
      for (Future<Boolean> result : pool.invokeAll(attempts)) {
        winners += result.get() ? 1 : 0;
      }

      assertThat(winners).isEqualTo(1);
      assertThat(jobs.find(job.id()).orElseThrow().version()).isEqualTo(job.version() + 1);
      assertThat(eventCount(job.id())).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unknownJobIsNotFound() {
    assertThatThrownBy(
            () -> lifecycle.transition(UUID.randomUUID(), 0, JobState.ADMITTED, "x", "api"))
        .isInstanceOf(JobNotFoundException.class);
  }

  /** A submitted job put straight into {@code state}, as a fixture. */
  private Job aJobIn(JobState state) {
    Job job =
        lifecycle.submit(
            UUID.randomUUID(),
            new JobSpec(
                "lifecycle",
                "qa",
                "ascend-910b",
                null,
                List.of("true"),
                null,
                null,
                null,
                1,
                1,
                null,
                null,
                null,
                null,
                null,
                null),
            "fixture");
    jdbc.sql("UPDATE jobs SET state = :state WHERE id = :id")
        .param("state", state.name())
        .param("id", job.id())
        .update();
    return jobs.find(job.id()).orElseThrow();
  }

  private int eventCount(UUID jobId) {
    return jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = :id")
        .param("id", jobId)
        .query(Integer.class)
        .single();
  }

  private List<String> lastEvent(UUID jobId) {
    return jdbc.sql(
            "SELECT from_state, to_state, reason, actor FROM job_events WHERE job_id = :id"
                + " ORDER BY id DESC LIMIT 1")
        .param("id", jobId)
        .query(
            (rs, n) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
        .single();
  }
}
