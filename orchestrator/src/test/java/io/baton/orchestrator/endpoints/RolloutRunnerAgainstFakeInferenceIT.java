package io.baton.orchestrator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.cluster.ReconcileLoops;
import io.baton.orchestrator.persistence.RowClaims;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.support.Api;
import io.baton.orchestrator.support.IntegrationTest;
import io.baton.orchestrator.support.Rows;
import io.baton.orchestrator.support.Specs;
import io.baton.orchestrator.support.fakes.FakeInferenceBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rollout runner's steps against an in-memory {@link FakeInferenceBackend}: canary first, then
 * the rest, or a roll back that stops what it started. Its other collaborators (endpoints, nodes,
 * claims) are JDBC classes, so the runner is built here on the shared embedded PostgreSQL context,
 * whose own rollout runner is stopped meanwhile so that only the test drives; each step is one
 * {@code advance}.
 */
class RolloutRunnerAgainstFakeInferenceIT extends IntegrationTest {

  private static final String POOL = "nvidia-h100";

  @Autowired Endpoints endpoints;
  @Autowired EndpointRepository repository;
  @Autowired NodeRepository nodes;
  @Autowired PoolCatalog pools;
  @Autowired ReplicaClient client;
  @Autowired EndpointProperties properties;
  @Autowired RolloutLifecycle lifecycle;
  @Autowired RowClaims claims;
  @Autowired JsonMapper json;
  @Autowired Clock clock;
  @Autowired ReconcileLoops loops;
  @Autowired TransactionTemplate transactions;
  @Autowired RolloutRunner contextRunner;
  @Autowired JdbcClient jdbc;
  @LocalServerPort int port;

  private FakeInferenceBackend backend;
  private RolloutRunner runner;

  @BeforeEach
  void runnerOnTheFake() {
    contextRunner.stop();
    backend = new FakeInferenceBackend(clock);
    runner =
        new RolloutRunner(
            repository,
            backend,
            nodes,
            pools,
            client,
            properties,
            lifecycle,
            claims,
            json,
            clock,
            loops);
  }

  /** The fake's endpoints go, so that the context's runner never serves them for real. */
  @AfterEach
  void contextRunnerBack() {
    for (String table : List.of("rollouts", "endpoint_revisions", "endpoints")) {
      jdbc.sql(
              "DELETE FROM "
                  + table
                  + " WHERE "
                  + (table.equals("endpoints") ? "name" : "endpoint")
                  + " LIKE 'fake-%'")
          .update();
    }
    contextRunner.start();
  }

  @Test
  void aReadyCanaryScalesTheRevisionOutAndAllReadyReplicasMakeItServe() {
    String endpoint = "fake-ready-" + UUID.randomUUID().toString().substring(0, 8);
    UUID id = promote(endpoint, 2);

    assertThat(runner.advance(rollout(id))).isInstanceOf(RolloutDecision.StartCanary.class);
    assertThat(backend.ensured()).extracting(r -> r.index()).containsExactly(0);
    assertThat(rollout(id).state()).isEqualTo(RolloutState.CANARY);
    assertThat(runner.advance(rollout(id))).isInstanceOf(RolloutDecision.Wait.class);

    backend.ready(endpoint, 1, 0, "http://127.0.0.1:1/");
    assertThat(runner.advance(rollout(id))).isInstanceOf(RolloutDecision.Scale.class);
    assertThat(backend.ensured()).extracting(r -> r.index()).containsExactly(0, 1);
    assertThat(rollout(id).state()).isEqualTo(RolloutState.SCALING);

    backend.ready(endpoint, 1, 1, "http://127.0.0.1:2/");
    assertThat(runner.advance(rollout(id))).isInstanceOf(RolloutDecision.Succeed.class);
    assertThat(rollout(id).state()).isEqualTo(RolloutState.SUCCEEDED);
    EndpointRepository.Row row = repository.find(endpoint).orElseThrow();
    assertThat(row.state()).isEqualTo(EndpointState.ACTIVE);
    assertThat(row.currentRevision()).isEqualTo(1);
    assertThat(backend.stopped()).isEmpty();
  }

  @Test
  void aCanaryThatExitsRollsTheRevisionBackAndStopsItsReplicas() {
    String endpoint = "fake-failing-" + UUID.randomUUID().toString().substring(0, 8);
    UUID id = promote(endpoint, 2);
    runner.advance(rollout(id));

    backend.fail(endpoint, 1, 0, 1);
    RolloutDecision.Action action = runner.advance(rollout(id));

    assertThat(action).isEqualTo(new RolloutDecision.RollBack("canary 0 exited with code 1"));
    Rollout rolledBack = rollout(id);
    assertThat(rolledBack.state()).isEqualTo(RolloutState.ROLLED_BACK);
    assertThat(rolledBack.reason())
        .isEqualTo("canary 0 exited with code 1; the endpoint serves nothing yet");
    assertThat(backend.stopped()).containsExactly(new FakeInferenceBackend.Stopped(endpoint, 1, 0));
    assertThat(backend.replicas(endpoint)).isEmpty();
    EndpointRepository.Row row = repository.find(endpoint).orElseThrow();
    assertThat(row.state()).isEqualTo(EndpointState.EMPTY);
    assertThat(row.currentRevision()).isNull();
  }

  private UUID promote(String endpoint, int replicas) {
    UUID job = UUID.fromString(new Api(port, adminToken()).submitJob(Specs.aSpec().json()));
    UUID checkpoint = new Rows(jdbc).checkpoint(job, 100);
    return transactions
        .execute(
            status ->
                endpoints.promote(
                    endpoint,
                    POOL,
                    replicas,
                    "team-a",
                    new Endpoints.NewRevision(
                        checkpoint,
                        job,
                        UUID.randomUUID(),
                        "/models/" + endpoint + ".safetensors",
                        null,
                        null,
                        null),
                    new Endpoints.RolloutPolicy(Duration.ofSeconds(60), 0.01, 0.01),
                    "test"))
        .orElseThrow()
        .rolloutId();
  }

  private Rollout rollout(UUID id) {
    return repository.rollout(id).orElseThrow();
  }
}
