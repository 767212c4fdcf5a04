package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.cluster.InferenceBackend.ReplicaState;
import io.baton.orchestrator.cluster.ReconcileLoop;
import io.baton.orchestrator.cluster.ReconcileLoops;
import io.baton.orchestrator.persistence.RowClaims;
import io.baton.orchestrator.pools.Node;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.NodeState;
import io.baton.orchestrator.pools.PoolCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps endpoints serving and drives rollouts. Every {@code baton.endpoints.reconcile-interval}:
 * each endpoint's current revision gets its desired replicas (a crashed one is started again) and
 * replicas of no use are stopped; each rollout in flight takes one step (see {@link
 * RolloutDecision}), under a row-level claim so one orchestrator drives it: canary replica → ready
 * → golden inputs within tolerance → the other replicas → ready → the endpoint serves the new
 * revision and the old replicas stop. Any failure (not ready in time, exit, golden mismatch) stops
 * the new replicas; the endpoint never stopped serving its current revision, so it keeps it. Where
 * a rollout is (its state, replicas asked for, when its wait began) is persisted at every step, so
 * a restarted or another orchestrator goes on from there; waits are measured on the injected clock,
 * and nothing sleeps.
 */
@Component
public class RolloutRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RolloutRunner.class);
  static final String ACTOR = "rollout";

  /** How long a replica just asked for may take to show in the backend before it is gone. */
  static final Duration START_AGAIN_AFTER = Duration.ofSeconds(10);

  private final EndpointRepository repository;
  private final InferenceBackend backend;
  private final NodeRepository nodes;
  private final PoolCatalog pools;
  private final ReplicaClient client;
  private final EndpointProperties properties;
  private final RolloutLifecycle lifecycle;
  private final RowClaims claims;
  private final JsonMapper json;
  private final Clock clock;
  private final ReconcileLoop loop;

  RolloutRunner(
      EndpointRepository repository,
      InferenceBackend backend,
      NodeRepository nodes,
      PoolCatalog pools,
      ReplicaClient client,
      EndpointProperties properties,
      RolloutLifecycle lifecycle,
      RowClaims claims,
      JsonMapper json,
      Clock clock,
      ReconcileLoops loops) {
    this.repository = repository;
    this.backend = backend;
    this.nodes = nodes;
    this.pools = pools;
    this.client = client;
    this.properties = properties;
    this.lifecycle = lifecycle;
    this.claims = claims;
    this.json = json;
    this.clock = clock;
    this.loop = loops.owned("baton-endpoints", this::reconcileAll);
  }

  /** Reconciles soon, outside the regular interval. */
  public void kick() {
    loop.kick(properties.automatic());
  }

  /** One pass: keep endpoints serving, hand rollouts in flight to drivers. */
  public void reconcileAll() {
    for (EndpointRepository.Row row : repository.all()) {
      try {
        maintain(row.name());
      } catch (RuntimeException e) {
        log.warn(
            "Reconciling endpoint {} failed; retrying next round: {}", row.name(), e.toString());
      }
    }
    for (Rollout rollout : repository.allInFlight()) {
      loop.drive(rollout.id(), () -> step(rollout.id()));
    }
  }

  /** The current revision runs its desired replicas; no other replica runs but a rollout's. */
  void maintain(String name) {
    // In this order: a rollout that ends in between shows as in flight, or as the current revision.
    Optional<Rollout> inFlight = repository.inFlight(name);
    EndpointRepository.Row row = repository.find(name).orElseThrow();
    List<ReplicaState> running = backend.replicas(row.name());
    Integer current = row.currentRevision();
    for (ReplicaState r : running) {
      boolean serving =
          current != null && r.revision() == current && r.index() < row.desiredReplicas();
      boolean rollingOut = inFlight.isPresent() && inFlight.get().revision() == r.revision();
      if (!serving && !rollingOut) {
        backend.stopReplica(row.name(), r.revision(), r.index());
      }
    }
    if (current != null) {
      EndpointRepository.RevisionRow revision =
          repository.revision(row.name(), current).orElseThrow();
      for (int i = 0; i < row.desiredReplicas(); i++) {
        ensure(row, revision, i, running);
      }
    }
  }

  private void ensure(
      EndpointRepository.Row row, EndpointRepository.RevisionRow revision, int index) {
    ensure(row, revision, index, backend.replicas(row.name()));
  }

  /** As above, given what the backend runs for the endpoint (read once per pass, not per index). */
  private void ensure(
      EndpointRepository.Row row,
      EndpointRepository.RevisionRow revision,
      int index,
      List<ReplicaState> running) {
    Optional<ReplicaState> existing =
        running.stream()
            .filter(r -> r.revision() == revision.revision() && r.index() == index)
            .findFirst();
    if (existing.isPresent() && existing.get().exitCode() == null) {
      return;
    }
    String node;
    List<Integer> chips;
    if (existing.isPresent()) {
      node = existing.get().node();
      chips = existing.get().chips();
    } else {
      ReplicaPlacement.Choice choice =
          ReplicaPlacement.place(slots(row.pool()), taken())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no free chip in pool "
                              + row.pool()
                              + " for a replica of "
                              + row.name()));
      node = choice.node();
      chips = List.of(choice.chip());
    }
    backend.ensureReplica(
        new InferenceBackend.Replica(
            row.name(),
            revision.revision(),
            index,
            row.pool(),
            node,
            chips,
            properties.serverCommand(),
            revision.artifact()));
  }

  /**
   * A replica of {@code key} (an endpoint, or a promotion's parity canary) on a free chip of the
   * pool, serving {@code artifact}.
   */
  public InferenceBackend.Replica placeReplica(
      String key, String pool, int revision, int index, String artifact) {
    ReplicaPlacement.Choice choice =
        ReplicaPlacement.place(slots(pool), taken())
            .orElseThrow(() -> new IllegalStateException("no free chip in pool " + pool));
    return new InferenceBackend.Replica(
        key,
        revision,
        index,
        pool,
        choice.node(),
        List.of(choice.chip()),
        properties.serverCommand(),
        artifact);
  }

  private List<ReplicaPlacement.Slots> slots(String pool) {
    int chips = pools.find(pool).map(p -> p.chipsPerNode()).orElse(1);
    return nodes.page(pool, null, null, 10_000).stream()
        .map((Node n) -> new ReplicaPlacement.Slots(n.name(), n.state() == NodeState.READY, chips))
        .toList();
  }

  private Set<String> taken() {
    Set<String> taken = new HashSet<>();
    for (EndpointRepository.Row row : repository.all()) {
      for (ReplicaState r : backend.replicas(row.name())) {
        if (r.exitCode() == null) {
          r.chips().forEach(c -> taken.add(r.node() + "/" + c));
        }
      }
    }
    return taken;
  }

  /**
   * Takes one step of a rollout in flight if this orchestrator holds (or can take) its claim: the
   * claim is a row's columns renewed at every step, so no connection is held in between, and a
   * rollout whose driver died is taken over once its claim runs out.
   */
  void step(UUID id) {
    Optional<RowClaims.Held> claim = claims.tryClaim("rollouts", id);
    if (claim.isEmpty()) {
      return;
    }
    try (RowClaims.Held held = claim.get()) {
      repository.rollout(id).filter(Rollout::inFlight).ifPresent(this::advance);
    }
  }

  /**
   * One step: observe the persisted rollout and what the backend runs of its revision, decide, act.
   * Nothing waits: a wait is a {@link RolloutDecision.Wait} until a later pass sees it over.
   */
  public RolloutDecision.Action advance(Rollout rollout) {
    EndpointRepository.Row row = repository.find(rollout.endpoint()).orElseThrow();
    EndpointRepository.RevisionRow revision =
        repository.revision(rollout.endpoint(), rollout.revision()).orElseThrow();
    JsonNode policy = rollout.evidence().path("policy");
    Duration readiness =
        Duration.ofMillis(
            policy.path("readinessTimeoutMs").asLong(properties.readinessTimeout().toMillis()));
    int replicas = policy.path("replicas").asInt(row.desiredReplicas());
    List<ReplicaState> running =
        backend.replicas(rollout.endpoint()).stream()
            .filter(r -> r.revision() == rollout.revision())
            .toList();
    Instant now = clock.instant();
    RolloutDecision.Action action =
        RolloutDecision.decide(
            new RolloutDecision.Observation(
                rollout.state(),
                replicas,
                rollout.position(),
                rollout.waitStartedAt(),
                readiness,
                running.stream()
                    .map(r -> new RolloutDecision.Replica(r.index(), r.ready(), r.exitCode()))
                    .toList(),
                revision.golden() != null,
                now,
                START_AGAIN_AFTER));
    act(rollout, row, revision, replicas, running, action, now);
    return action;
  }

  private void act(
      Rollout rollout,
      EndpointRepository.Row row,
      EndpointRepository.RevisionRow revision,
      int replicas,
      List<ReplicaState> running,
      RolloutDecision.Action action,
      Instant now) {
    ObjectNode evidence = (ObjectNode) rollout.evidence().deepCopy();
    if (action instanceof RolloutDecision.StartCanary) {
      ensure(row, revision, 0);
      lifecycle.advance(rollout, RolloutState.CANARY, 1, evidence);
    } else if (action instanceof RolloutDecision.StartAgain again) {
      for (int i : again.indexes()) {
        ensure(withDesired(row, Math.max(replicas, row.desiredReplicas())), revision, i);
      }
      log.info(
          "Rollout {} of endpoint {}: replicas {} were gone, started again",
          rollout.id(),
          rollout.endpoint(),
          again.indexes());
    } else if (action instanceof RolloutDecision.CheckGolden) {
      evidence.put("canaryReadyMs", waited(rollout, now));
      String failure = checkGolden(rollout, revision, url(running, 0), evidence);
      if (failure != null) {
        rollBack(rollout, failure, evidence);
      } else {
        scale(rollout, row, revision, replicas, evidence);
      }
    } else if (action instanceof RolloutDecision.Scale) {
      evidence.put("canaryReadyMs", waited(rollout, now));
      scale(rollout, row, revision, replicas, evidence);
    } else if (action instanceof RolloutDecision.Succeed) {
      evidence.put("replicasReadyMs", waited(rollout, now));
      evidence.put("replicasReady", replicas);
      evidence.put("rolloutMs", Duration.between(rollout.createdAt(), now).toMillis());
      String reason =
          "revision " + rollout.revision() + " serves with " + replicas + " ready replicas";
      if (lifecycle.succeed(rollout, replicas, reason, evidence)) {
        log.info(
            "Endpoint {} serves revision {} ({})", rollout.endpoint(), rollout.revision(), reason);
        for (ReplicaState r : backend.replicas(rollout.endpoint())) {
          if (r.revision() != rollout.revision()) {
            backend.stopReplica(rollout.endpoint(), r.revision(), r.index());
          }
        }
      }
    } else if (action instanceof RolloutDecision.RollBack back) {
      if (rollout.state() == RolloutState.CANARY) {
        evidence.put("canaryReadyMs", waited(rollout, now));
        evidence.put("log", backend.logs(rollout.endpoint(), rollout.revision(), 0, 20));
      } else if (rollout.state() == RolloutState.SCALING) {
        evidence.put("replicasReadyMs", waited(rollout, now));
        evidence.put("replicasReady", (int) running.stream().filter(ReplicaState::ready).count());
      }
      rollBack(rollout, back.reason(), evidence);
    }
    // Wait: nothing until the next pass.
  }

  private void scale(
      Rollout rollout,
      EndpointRepository.Row row,
      EndpointRepository.RevisionRow revision,
      int replicas,
      ObjectNode evidence) {
    for (int i = 0; i < replicas; i++) {
      ensure(withDesired(row, replicas), revision, i);
    }
    lifecycle.advance(rollout, RolloutState.SCALING, replicas, evidence);
  }

  private long waited(Rollout rollout, Instant now) {
    return rollout.waitStartedAt() == null
        ? 0
        : Math.max(0, Duration.between(rollout.waitStartedAt(), now).toMillis());
  }

  private static String url(List<ReplicaState> running, int index) {
    return running.stream()
        .filter(r -> r.index() == index)
        .map(ReplicaState::url)
        .findFirst()
        .orElseThrow();
  }

  /** The canary answers the golden inputs; the reason it failed, or null when it passed. */
  private String checkGolden(
      Rollout rollout, EndpointRepository.RevisionRow revision, String url, ObjectNode evidence) {
    JsonNode policy = rollout.evidence().path("policy");
    double abs = policy.path("absTolerance").asDouble(Parity.DEFAULT_ABS);
    double rel = policy.path("relTolerance").asDouble(Parity.DEFAULT_REL);
    try {
      GoldenSet golden = GoldenSet.read(Path.of(revision.golden()), json);
      long asked = System.nanoTime();
      double[][] answers = client.predict(url, golden.inputs(), properties.predictTimeout());
      Parity.Result parity = Parity.compare(golden.outputs(), answers, abs, rel);
      ObjectNode check = json.valueToTree(parity);
      check.put("answerMs", (System.nanoTime() - asked) / 1_000_000);
      evidence.set("golden", check);
      if (!parity.passed()) {
        return "canary's golden outputs differ: max abs error "
            + parity.maxAbsError()
            + " (tolerance "
            + abs
            + " + "
            + rel
            + " × |expected|)"
            + (parity.mismatch() == null ? "" : "; " + parity.mismatch());
      }
      return null;
    } catch (GoldenSet.Unreadable | ReplicaClient.Failed e) {
      return "golden check failed: " + e.getMessage();
    }
  }

  /** Stops what the rollout started (unless the endpoint serves it) and ends it ROLLED_BACK. */
  private void rollBack(Rollout rollout, String reason, ObjectNode evidence) {
    EndpointRepository.Row before = repository.find(rollout.endpoint()).orElseThrow();
    if (before.currentRevision() == null || before.currentRevision() != rollout.revision()) {
      for (ReplicaState r : backend.replicas(rollout.endpoint())) {
        if (r.revision() == rollout.revision()) {
          backend.stopReplica(rollout.endpoint(), r.revision(), r.index());
        }
      }
    }
    String why =
        reason
            + (before.currentRevision() == null
                ? "; the endpoint serves nothing yet"
                : "; the endpoint keeps serving revision " + before.currentRevision());
    if (lifecycle.rollBack(rollout, why, evidence)) {
      log.warn("Rollout {} of endpoint {} rolled back: {}", rollout.id(), rollout.endpoint(), why);
    }
  }

  private static EndpointRepository.Row withDesired(EndpointRepository.Row row, int desired) {
    return new EndpointRepository.Row(
        row.name(),
        row.pool(),
        row.state(),
        desired,
        row.currentRevision(),
        row.version(),
        row.createdAt(),
        row.updatedAt(),
        row.team());
  }

  @Override
  public void start() {
    loop.start(properties.reconcileInterval(), properties.automatic());
  }

  @Override
  public void stop() {
    loop.stop();
  }

  @Override
  public boolean isRunning() {
    return loop.isRunning();
  }
}
