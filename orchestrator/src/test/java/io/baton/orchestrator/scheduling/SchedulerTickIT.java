package io.baton.orchestrator.scheduling;

import static io.baton.orchestrator.support.Specs.aSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.jobs.JobLifecycle;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;

/** Scheduling rounds against the real database: placement, why pending, no double booking. */
class SchedulerTickIT extends IntegrationTest {

  @LocalServerPort int port;
  @Autowired JdbcClient jdbc;
  @Autowired SchedulerTick tick;
  @Autowired SchedulingRepository repository;
  @Autowired JobLifecycle lifecycle;
  @Autowired SchedulerProperties properties;
  @Autowired ApplicationEventPublisher publisher;
  @Autowired PlatformTransactionManager transactions;
  @Autowired Clock clock;
  @Autowired io.baton.orchestrator.pools.PoolCatalog pools;
  Api api;

  /** Only this test's nodes and jobs take part: others' are put out of the way. */
  @BeforeEach
  void isolate() {
    api = new Api(port, adminToken());
    jdbc.sql("DELETE FROM allocations").update();
    jdbc.sql("UPDATE nodes SET state = 'LOST' WHERE state = 'READY'").update();
    jdbc.sql("UPDATE jobs SET state = 'CANCELLED' WHERE state IN ('QUEUED', 'ADMITTED')").update();
  }

  @Test
  void aRoundAdmitsAGangAndBooksItsChips() {
    readyNodes("pa", 2);
    String id = submit(aSpec().with("nodes", 2).with("chipsPerNode", 8).json());

    List<SchedulerTick.JobAdmitted> admitted = tick.tick();

    assertThat(admitted).extracting(a -> a.jobId().toString()).containsExactly(id);
    JsonNode job = api.get("/api/v1/jobs/" + id).json();
    assertThat(job.get("state").asString()).isEqualTo("ADMITTED");
    assertThat(job.get("attempt").asInt()).isEqualTo(1);
    assertThat(job.get("placement")).hasSize(2);
    assertThat(job.at("/placement/0/chips")).hasSize(8);
    assertThat(job.get("reason").asString()).startsWith("placed on ");
    assertThat(count("SELECT count(*) FROM allocations WHERE job_id = '" + id + "'")).isEqualTo(16);
    assertThat(api.get("/api/v1/jobs/" + id + "/events").json().at("/items/1/to").asString())
        .isEqualTo("ADMITTED");
  }

  @Test
  void aWaitingJobSaysWhy() {
    readyNodes("pb", 1);
    String id = submit(aSpec().with("nodes", 2).with("chipsPerNode", 8).json());

    tick.tick();

    JsonNode job = api.get("/api/v1/jobs/" + id).json();
    assertThat(job.get("state").asString()).isEqualTo("QUEUED");
    assertThat(job.get("pendingReason").asString())
        .isEqualTo("needs 2 nodes × 8 chips in ascend-910b; 1 node has 8 schedulable chips free");
  }

  @Test
  void faultyAndLostChipsAreNotBooked() {
    List<String> nodes = readyNodes("pc", 1);
    jdbc.sql("UPDATE nodes SET chip_health = 'OOOFOOOO' WHERE name = :n")
        .param("n", nodes.get(0))
        .update();
    String id = submit(aSpec().with("chipsPerNode", 7).json());

    tick.tick();

    JsonNode job = api.get("/api/v1/jobs/" + id).json();
    assertThat(job.at("/placement/0/chips").toString()).isEqualTo("[0,1,2,4,5,6,7]");
  }

  @Test
  void twoOrchestratorsOnOneDatabaseNeverBookAChipTwice() throws Exception {
    readyNodes("pd", 6);
    for (int i = 0; i < 20; i++) {
      submit(aSpec().with("chipsPerNode", i % 2 == 0 ? 8 : 4).json());
    }
    // Two planners without the cluster lock, as if two replicas planned from the same snapshot:
    // only the database's primary key on (node, chip) stands between them.
    SchedulerTick first =
        new SchedulerTick(
            repository, lifecycle, properties, publisher, pools, clock, transactions, false);
    SchedulerTick second =
        new SchedulerTick(
            repository, lifecycle, properties, publisher, pools, clock, transactions, false);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> rounds = new ArrayList<>();
      for (SchedulerTick replica : List.of(first, second)) {
        rounds.add(
            pool.submit(
                () -> {
                  start.await();
                  int admitted = 0;
                  for (int r = 0; r < 5; r++) {
                    admitted += replica.tick().size();
                  }
                  return admitted;
                }));
      }
      start.countDown();
      int admitted = rounds.get(0).get() + rounds.get(1).get();

      int chipsBooked = count("SELECT count(*) FROM allocations");
      assertThat(chipsBooked).isEqualTo(48);
      assertThat(
              count(
                  "SELECT count(*) FROM (SELECT node, chip FROM allocations GROUP BY node, chip HAVING count(*) > 1) d"))
          .isZero();
      assertThat(count("SELECT count(*) FROM jobs WHERE state = 'ADMITTED'")).isEqualTo(admitted);
      assertThat(
              count(
                  "SELECT coalesce(sum(jsonb_array_length(placement -> 0 -> 'chips')), 0) FROM jobs WHERE state = 'ADMITTED'"))
          .isEqualTo(chipsBooked);
      assertThat(
              count(
                  "SELECT count(*) FROM jobs j WHERE state = 'ADMITTED' AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.job_id = j.id)"))
          .isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void withTheClusterLockOnlyOneReplicaPlansAtATime() throws Exception {
    readyNodes("pe", 3);
    for (int i = 0; i < 6; i++) {
      submit(aSpec().json());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<SchedulerTick.JobAdmitted>>> rounds = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        rounds.add(pool.submit(() -> tick.tick()));
      }
      int admitted = 0;
      for (Future<List<SchedulerTick.JobAdmitted>> round : rounds) {
        admitted += round.get().size();
      }

      assertThat(admitted).isEqualTo(3);
      assertThat(count("SELECT count(*) FROM allocations")).isEqualTo(24);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void inAPoolThatAvoidsStragglersANodeWithARecentlySlowChipIsUsedLastButStillUsed() {
    List<String> nodes = new ArrayList<>(readyNodes("pf", 2));
    nodes.sort(null);
    String suspect = nodes.get(0);
    String slowJob = submit(aSpec().with("nodes", 1).with("chipsPerNode", 8).json());
    jdbc.sql("UPDATE jobs SET state = 'CANCELLED' WHERE id = :id")
        .param("id", UUID.fromString(slowJob))
        .update();
    jdbc.sql(
            """
            INSERT INTO chip_slowdowns (node, chip, at, factor, job_id, attempt, rank)
            VALUES (:node, 3, now() - interval '1 hour', 1.5, :job, 1, 0)
            """)
        .param("node", suspect)
        .param("job", UUID.fromString(slowJob))
        .update();
    io.baton.orchestrator.pools.PoolCatalog avoiding =
        new io.baton.orchestrator.pools.PoolCatalog(
            new io.baton.orchestrator.pools.PoolsProperties(
                pools.all().stream()
                    .map(
                        p ->
                            p.name().equals("ascend-910b")
                                ? p.withStragglerPolicy(
                                    io.baton.orchestrator.faults.StragglerPolicy.AVOID)
                                : p)
                    .toList()));
    SchedulerTick avoidingTick =
        new SchedulerTick(
            repository, lifecycle, properties, publisher, avoiding, clock, transactions, false);

    String first = submit(aSpec().with("nodes", 1).with("chipsPerNode", 8).json());
    avoidingTick.tick();
    String second = submit(aSpec().with("nodes", 1).with("chipsPerNode", 8).json());
    avoidingTick.tick();

    assertThat(api.get("/api/v1/jobs/" + first).json().at("/placement/0/node").asString())
        .isEqualTo(nodes.get(1));
    assertThat(api.get("/api/v1/jobs/" + second).json().at("/placement/0/node").asString())
        .as("a soft preference: never a reason to leave a job waiting")
        .isEqualTo(suspect);
  }

  private List<String> readyNodes(String prefix, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
      jdbc.sql(
              """
              INSERT INTO nodes (name, pool, state, health, chip_health, chip_indexes, chips_total,
                                 chips_ok, last_report_at, created_at, updated_at)
              VALUES (:name, 'ascend-910b', 'READY', 'OK', 'OOOOOOOO', '{0,1,2,3,4,5,6,7}', 8, 8,
                      now() + interval '1 hour', now(), now())
              """)
          .param("name", name)
          .update();
      names.add(name);
    }
    return names;
  }

  private String submit(String spec) {
    return api.post("/api/v1/jobs", spec).json().get("id").asString();
  }

  private int count(String sql) {
    return jdbc.sql(sql).query(Integer.class).single();
  }
}
