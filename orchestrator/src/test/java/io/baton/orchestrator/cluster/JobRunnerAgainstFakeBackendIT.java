package io.baton.orchestrator.cluster;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobState;
import io.baton.orchestrator.leadership.Fence;
import io.baton.orchestrator.leadership.Fences;
import io.baton.orchestrator.leadership.LeaseLost;
import io.baton.orchestrator.leadership.LeaseRepository;
import io.baton.orchestrator.scheduling.SchedulerTriggers;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.fakes.FakeClusterBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job runner's observe → decide → act against an in-memory {@link FakeClusterBackend}: what it
 * launches and stops, and the transitions it makes, pass by pass. Its other collaborators (jobs,
 * lifecycle, runs, tasks) are JDBC classes, so the runner is built here on the shared embedded
 * PostgreSQL context rather than in a pure unit test; each pass is driven by the test.
 */
class JobRunnerAgainstFakeBackendIT extends IntegrationTest {

  private static final String NODE = "ascend-910b-0";
  private static final Duration TERM = Duration.ofSeconds(30);

  @LocalServerPort int port;
  @Autowired JobService jobs;
  @Autowired JobLifecycle lifecycle;
  @Autowired RunRepository runs;
  @Autowired ResumePoint resumePoint;
  @Autowired Tasks tasks;
  @Autowired RecoveryProperties properties;
  @Autowired TransactionTemplate transactions;
  @Autowired ObjectProvider<SchedulerTriggers> scheduler;
  @Autowired StragglerWatch stragglers;
  @Autowired Clock clock;
  @Autowired ReconcileLoops loops;
  @Autowired LeaseRepository leases;
  @Autowired JdbcClient jdbc;

  private final List<UUID> submitted = new java.util.ArrayList<>();
  private FakeClusterBackend backend;
  private JobRunner runner;

  @BeforeEach
  void runnerOnTheFake() {
    backend = new FakeClusterBackend(dataDir().resolve("fake-checkpoints"));
    runner =
        new JobRunner(
            backend,
            jobs,
            lifecycle,
            runs,
            resumePoint,
            tasks,
            properties,
            transactions,
            scheduler,
            stragglers,
            clock,
            loops);
  }

  /** Jobs a test left holding chips end cancelled, so the shared context's pool is free again. */
  @AfterEach
  void cancelWhatIsLeft() {
    for (UUID id : submitted) {
      if (!jobs.get(id).state().isTerminal()) {
        new Api(port, adminToken()).post("/api/v1/jobs/" + id + "/cancel", "{}");
        runner.reconcile(jobs.get(id));
      }
    }
  }

  @Test
  void anAdmittedJobIsLaunchedOnItsPlacementOnceAndStarts() {
    UUID id = admitted();

    runner.reconcile(jobs.get(id));
    runner.reconcile(jobs.get(id));

    assertThat(backend.launches()).hasSize(1);
    ClusterBackend.Launch launch = backend.launches().get(0);
    assertThat(launch.jobId()).isEqualTo(id);
    assertThat(launch.ranks())
        .containsExactly(new ClusterBackend.RankPlacement(0, NODE, List.of(0, 1, 2, 3)));
    assertThat(launch.checkpointDir()).endsWith(id.toString());
    assertThat(jobs.get(id).state()).isEqualTo(JobState.STARTING);
  }

  @Test
  void aRankThatExitsWithAnErrorStopsTheAttemptAndRecoversTheJob() {
    UUID id = admitted();
    runner.reconcile(jobs.get(id));
    Job started = jobs.get(id);
    backend.exit(id, started.attempt(), 0, 3);

    runner.reconcile(jobs.get(id));

    Job job = jobs.get(id);
    assertThat(job.state()).isEqualTo(JobState.RECOVERING);
    assertThat(job.reason())
        .contains("application failure: rank 0 on " + NODE + " exited with code 3");
    assertThat(backend.stops()).containsExactly(new FakeClusterBackend.Stop(id, started.attempt()));
  }

  @Test
  void aRankLostWithItsMachineRecoversTheJobAsAnInfrastructureFailure() {
    UUID id = admitted();
    runner.reconcile(jobs.get(id));
    backend.lose(id, jobs.get(id).attempt(), 0, "node gone");

    runner.reconcile(jobs.get(id));

    Job job = jobs.get(id);
    assertThat(job.state()).isEqualTo(JobState.RECOVERING);
    assertThat(job.reason()).contains("infrastructure failure: rank 0").contains("(node gone)");
    assertThat(job.recovery().infraRestarts()).isEqualTo(1);
  }

  @Test
  void ranksThatAllExitZeroSucceedTheJobAndReleaseItsChips() {
    UUID id = admitted();
    runner.reconcile(jobs.get(id));
    backend.exitAll(id, jobs.get(id).attempt(), 0);

    runner.reconcile(jobs.get(id));
    assertThat(jobs.get(id).state()).isEqualTo(JobState.RUNNING);
    runner.reconcile(jobs.get(id));

    Job job = jobs.get(id);
    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(runs.active()).doesNotContain(id);
    assertThat(backend.stops()).isEmpty();
  }

  @Test
  void aCancelledJobHasItsRanksStoppedBeforeItIsCancelled() {
    UUID id = admitted();
    runner.reconcile(jobs.get(id));
    int attempt = jobs.get(id).attempt();
    new Api(port, adminToken()).post("/api/v1/jobs/" + id + "/cancel", "{}");
    assertThat(jobs.get(id).state()).isEqualTo(JobState.CANCELLING);

    runner.reconcile(jobs.get(id));

    assertThat(backend.stops()).containsExactly(new FakeClusterBackend.Stop(id, attempt));
    assertThat(backend.observe(id, attempt)).isEmpty();
    assertThat(jobs.get(id).state()).isEqualTo(JobState.CANCELLED);
  }

  /**
   * The lease is taken over while the pass is launching the first of two admitted jobs: its state
   * write is refused, and the pass ends there — the second job is neither launched nor written.
   */
  @Test
  void aFenceLostMidPassStopsThePass() {
    UUID first = admitted();
    UUID second = admitted();
    String lease = "runner-test-" + UUID.randomUUID();
    jdbc.sql("INSERT INTO leases (name) VALUES (:name)").param("name", lease).update();
    Fence fence = new Fence(lease, "a", leases.acquire(lease, "a", TERM).orElseThrow());
    List<UUID> mine = List.of(first, second);
    backend.onLaunch(
        launch -> {
          if (mine.contains(launch.jobId())) {
            leases.seize(lease, "b", TERM);
          }
        });
    long firstVersion = jobs.get(first).version();
    long secondVersion = jobs.get(second).version();

    assertThatThrownBy(() -> Fences.under(fence, runner::reconcileAll))
        .isInstanceOf(LeaseLost.class);

    assertThat(backend.launches())
        .extracting(ClusterBackend.Launch::jobId)
        .filteredOn(mine::contains)
        .containsExactly(first);
    assertThat(backend.stops())
        .extracting(FakeClusterBackend.Stop::jobId)
        .doesNotContainAnyElementsOf(mine);
    assertThat(jobs.get(first).state()).isEqualTo(JobState.ADMITTED);
    assertThat(jobs.get(first).version()).isEqualTo(firstVersion);
    assertThat(jobs.get(second).state()).isEqualTo(JobState.ADMITTED);
    assertThat(jobs.get(second).version()).isEqualTo(secondVersion);
  }

  private UUID admitted() {
    String id = new Api(port, adminToken()).submitJob(aSpec().json());
    UUID job = UUID.fromString(id);
    submitted.add(job);
    lifecycle.admit(
        job,
        jobs.get(job).version(),
        List.of(new Job.Placement(NODE, List.of(0, 1, 2, 3))),
        "test");
    return job;
  }
}
