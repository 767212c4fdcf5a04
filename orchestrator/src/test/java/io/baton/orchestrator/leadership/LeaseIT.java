package io.baton.orchestrator.leadership;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobSpec;
import io.baton.orchestrator.jobs.JobState;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The PostgreSQL lease against the real database: one holder at a time, a new fencing token on
 * every takeover, and a paused former owner's writes refused once another replica took over. Each
 * test uses a lease of its own, so the shared context's own lease (which it holds) is untouched.
 */
class LeaseIT extends IntegrationTest {

  private static final Duration TERM = Duration.ofSeconds(10);

  @Autowired LeaseRepository leases;
  @Autowired Leadership leadership;
  @Autowired JobLifecycle lifecycle;
  @Autowired JobService jobs;
  @Autowired JdbcClient jdbc;
  @Autowired JsonMapper json;
  @LocalServerPort int port;

  @Test
  void oneHolderAtATimeAndEveryTakeoverGetsANewToken() {
    String lease = aLease();

    OptionalLong a = leases.acquire(lease, "a", TERM);
    assertThat(a).isPresent();
    assertThat(leases.acquire(lease, "b", TERM)).as("b while a holds it").isEmpty();
    assertThat(leases.acquire(lease, "a", TERM)).as("a renews, same token").isEqualTo(a);

    expire(lease);
    OptionalLong b = leases.acquire(lease, "b", TERM);
    assertThat(b).as("b after a's term ran out").hasValue(a.getAsLong() + 1);
    assertThat(leases.acquire(lease, "a", TERM)).as("a, late to renew").isEmpty();

    expire(lease);
    assertThat(leases.acquire(lease, "b", TERM))
        .as("b itself after its own term lapsed acquires anew")
        .hasValue(b.getAsLong() + 1);
  }

  @Test
  void racingReplicasForAnExpiredLeaseProduceExactlyOneWinner() throws Exception {
    String lease = aLease();
    expire(lease);
    List<Thread> threads = new ArrayList<>();
    List<String> winners = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    for (int i = 0; i < 8; i++) {
      String replica = "r" + i;
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                leases.acquire(lease, replica, TERM).ifPresent(t -> winners.add(replica));
              });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(winners).hasSize(1);
    assertThat(leases.view(lease).orElseThrow().holder()).isEqualTo(winners.get(0));
  }

  @Test
  void aPausedFormerOwnersWriteIsRefusedAfterAnotherReplicaTookOver() {
    String lease = aLease();
    Fence a = new Fence(lease, "a", leases.acquire(lease, "a", TERM).orElseThrow());
    Job job = aQueuedJob();
    // a decided to admit the job, then paused (GC, a stopped VM) past its lease's term ...
    expire(lease);
    Fence b = new Fence(lease, "b", leases.acquire(lease, "b", TERM).orElseThrow());

    // ... and wakes up to write what it decided, believing it still leads.
    assertThatThrownBy(
            () ->
                Fences.under(
                    a,
                    () ->
                        lifecycle.transition(
                            job.id(), job.version(), JobState.CANCELLING, "stale", "runner")))
        .isInstanceOf(LeaseLost.class)
        .hasMessageContaining("token " + a.token());
    assertThat(jobs.get(job.id())).isEqualTo(job);

    Job moved =
        Fences.under(
            b,
            () ->
                lifecycle.transition(
                    job.id(), job.version(), JobState.CANCELLING, "current", "runner"));
    assertThat(moved.state()).isEqualTo(JobState.CANCELLING);
  }

  @Test
  void aFencedWriteAfterTheOwnersOwnTermRanOutIsRefusedEvenWithNobodyElseHoldingIt() {
    String lease = aLease();
    Fence a = new Fence(lease, "a", leases.acquire(lease, "a", TERM).orElseThrow());
    Job job = aQueuedJob();
    expire(lease);

    assertThatThrownBy(
            () ->
                Fences.under(
                    a,
                    () ->
                        lifecycle.transition(
                            job.id(), job.version(), JobState.CANCELLING, "late", "runner")))
        .isInstanceOf(LeaseLost.class);
    assertThat(jobs.get(job.id()).state()).isEqualTo(JobState.QUEUED);
  }

  @Test
  void aReplicaThatStopsReleasesTheLeaseSoTheNextTakesOverAtOnce() {
    String lease = aLease();
    DatabaseLease first = replica(lease, "first");
    DatabaseLease second = replica(lease, "second");

    assertThat(first.tryAcquire()).isTrue();
    assertThat(second.tryAcquire()).isFalse();
    assertThat(second.fence()).isEmpty();
    long token = first.fence().orElseThrow().token();

    first.stop();
    assertThat(first.fence()).isEmpty();
    assertThat(second.tryAcquire()).as("no wait for the released lease").isTrue();
    assertThat(second.fence().orElseThrow().token()).isEqualTo(token + 1);
    assertThat(second.view().holder()).isEqualTo("second");
  }

  @Test
  void theSharedContextsReplicaLeadsAndShowsItInHealthAndMetrics() {
    assertThat(leadership.isLeader()).isTrue();
    Api api = new Api(port, adminToken());

    JsonNode details = api.get("/actuator/health").json().at("/components/leadership/details");
    assertThat(details.get("leader").asBoolean()).as(details.toString()).isTrue();
    assertThat(details.get("replica").asString()).isEqualTo(leadership.replica());
    assertThat(details.get("holder").asString()).isEqualTo(leadership.replica());
    assertThat(details.get("token").asLong()).isEqualTo(leadership.fence().orElseThrow().token());

    String metrics = api.get("/actuator/prometheus").body();
    assertThat(metrics).contains("baton_leader{").contains("replica=\"" + leadership.replica());
    assertThat(metrics.lines().filter(l -> l.startsWith("baton_leader{")).toList())
        .singleElement()
        .asString()
        .endsWith(" 1.0");
  }

  private DatabaseLease replica(String lease, String name) {
    LeadershipProperties properties =
        new LeadershipProperties(lease, name, TERM, Duration.ofSeconds(2), Duration.ofSeconds(2));
    return new DatabaseLease(
        leases, properties, new LeaderGauge(new SimpleMeterRegistry(), name), event -> {}, false);
  }

  private String aLease() {
    String lease = "it-" + UUID.randomUUID();
    leases.ensure(lease);
    return lease;
  }

  /** As if the holder's term ran out: the database's clock moved past its expiry. */
  private void expire(String lease) {
    jdbc.sql("UPDATE leases SET expires_at = now() - interval '1 second' WHERE name = :name")
        .param("name", lease)
        .update();
  }

  private Job aQueuedJob() {
    JobSpec spec = json.readValue(aSpec().with("name", "fenced").json(), JobSpec.class);
    return lifecycle.submit(UUID.randomUUID(), spec, "tester");
  }
}
