package io.baton.orchestrator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.leadership.Fence;
import io.baton.orchestrator.leadership.Fences;
import io.baton.orchestrator.leadership.LeaseLost;
import io.baton.orchestrator.leadership.LeaseRepository;
import io.baton.orchestrator.support.DrivenIntegrationTest;
import io.baton.orchestrator.support.Rows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A rollout is a durable state machine: its runner stopped in the middle of SCALING and started
 * again goes on from SCALING — same replicas, same wait — instead of from the canary.
 */
class RolloutResumeIT extends DrivenIntegrationTest {

  @Autowired Endpoints endpoints;
  @Autowired EndpointRepository repository;
  @Autowired RolloutRunner runner;
  @Autowired InferenceBackend backend;
  @Autowired TransactionTemplate transactions;
  @Autowired LeaseRepository leases;

  @TempDir Path tmp;

  @Test
  void aRolloutWhoseRunnerRestartsInScalingResumesInScalingNotFromTheCanary() throws Exception {
    Path model = Files.writeString(tmp.resolve("model.safetensors"), "weights");
    Promoted promoted = promote("resume", model);
    String endpoint = promoted.endpoint();
    UUID id = promoted.rollout();

    // The canary (replica 0) is ready at once; replica 1 waits for the test: SCALING holds.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> repository.rollout(id).orElseThrow().state() == RolloutState.SCALING);
    Rollout before = repository.rollout(id).orElseThrow();
    assertThat(before.position()).as("replicas asked for").isEqualTo(2);
    assertThat(before.waitStartedAt()).isNotNull();
    Instant canaryStarted = canary(endpoint).startedAt();

    runner.stop();
    assertThat(runner.isRunning()).isFalse();
    runner.start();

    // Pass after pass, the restarted runner finds the rollout where it was and waits there.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              Rollout now = repository.rollout(id).orElseThrow();
              return now.state() == RolloutState.SCALING
                  && now.position() == 2
                  && now.waitStartedAt().equals(before.waitStartedAt());
            });

    Files.createFile(Path.of(model + ".go"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> repository.rollout(id).orElseThrow().state() == RolloutState.SUCCEEDED);

    assertThat(canary(endpoint).startedAt())
        .as("the canary was not started again")
        .isEqualTo(canaryStarted);
    assertThat(steps(endpoint, id))
        .as("each step once, none taken again after the restart")
        .containsExactly("PENDING", "CANARY", "SCALING", "SUCCEEDED");
    assertThat(repository.find(endpoint).orElseThrow().currentRevision()).isEqualTo(1);
    assertThat(repository.rollout(id).orElseThrow().evidence().path("replicasReady").asInt())
        .isEqualTo(2);
  }

  @Test
  void aRolloutMoveByAReplicaThatLostTheLeaseIsRefused() throws Exception {
    Path model = Files.writeString(tmp.resolve("fenced.safetensors"), "weights");
    Promoted promoted = promote("fenced", model);
    String endpoint = promoted.endpoint();
    UUID id = promoted.rollout();
    String lease = "it-" + UUID.randomUUID();
    Fence stale = new Fence(lease, "a", leases.seize(lease, "a", Duration.ofSeconds(10)));
    // a paused (GC, a stopped VM) past its term; b took over.
    jdbc.sql("UPDATE leases SET expires_at = now() - interval '1 second' WHERE name = :name")
        .param("name", lease)
        .update();
    leases.acquire(lease, "b", Duration.ofSeconds(10)).orElseThrow();

    Rollout seen = repository.rollout(id).orElseThrow();
    assertThatThrownBy(
            () ->
                Fences.under(
                    stale,
                    () ->
                        repository.moveRollout(
                            id,
                            seen.state(),
                            RolloutState.ROLLED_BACK,
                            "stale belief",
                            seen.evidence(),
                            seen.position(),
                            seen.waitStartedAt(),
                            Instant.now())))
        .isInstanceOf(LeaseLost.class);

    Files.createFile(Path.of(model + ".go"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> repository.rollout(id).orElseThrow().state() == RolloutState.SUCCEEDED);
    assertThat(steps(endpoint, id)).doesNotContain("ROLLED_BACK");
  }

  private record Promoted(String endpoint, UUID rollout) {}

  /** A finished job's checkpoint promoted onto a new 2-replica endpoint named {@code prefix-…}. */
  private Promoted promote(String prefix, Path model) {
    UUID job = finishedJob();
    UUID checkpoint = new Rows(jdbc).checkpoint(job, 100);
    String endpoint = prefix + "-" + job.toString().substring(0, 8);
    UUID rollout =
        transactions
            .execute(
                status ->
                    endpoints.promote(
                        endpoint,
                        "nvidia-h100",
                        2,
                        "vision",
                        new Endpoints.NewRevision(
                            checkpoint, job, null, model.toString(), null, null, null),
                        new Endpoints.RolloutPolicy(Duration.ofSeconds(60), 0, 0),
                        "test"))
            .orElseThrow()
            .rolloutId();
    return new Promoted(endpoint, rollout);
  }

  private InferenceBackend.ReplicaState canary(String endpoint) {
    return backend.replicas(endpoint).stream()
        .filter(r -> r.revision() == 1 && r.index() == 0)
        .findFirst()
        .orElseThrow();
  }

  private List<String> steps(String endpoint, UUID rollout) {
    return jdbc.sql("SELECT to_state FROM events WHERE subject = :subject ORDER BY id")
        .param("subject", "endpoint/" + endpoint + "/rollouts/" + rollout)
        .query(String.class)
        .list();
  }
}
