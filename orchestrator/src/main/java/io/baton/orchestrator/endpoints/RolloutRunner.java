package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.cluster.InferenceBackend.ReplicaState;
import io.baton.orchestrator.cluster.ReconcileLoop;
import io.baton.orchestrator.cluster.ReconcileLoops;
import io.baton.orchestrator.persistence.AdvisoryLocks;
import io.baton.orchestrator.pools.Node;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.NodeState;
import io.baton.orchestrator.pools.PoolCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps endpoints serving and drives rollouts. Every {@code baton.endpoints.reconcile-interval}:
 * each endpoint's current revision gets its desired replicas (a crashed one is started again) and
 * replicas of no use are stopped; each rollout in flight is driven, under an advisory lock so one
 * orchestrator drives it: canary replica → ready → golden inputs within tolerance → the other
 * replicas → ready → the endpoint serves the new revision and the old replicas stop. Any failure
 * (not ready in time, exit, golden mismatch) stops the new replicas; the endpoint never stopped
 * serving its current revision, so it keeps it.
 */
@Component
public class RolloutRunner implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RolloutRunner.class);
  static final String ACTOR = "rollout";
  private static final Duration POLL = Duration.ofMillis(100);

  private final EndpointRepository repository;
  private final InferenceBackend backend;
  private final NodeRepository nodes;
  private final PoolCatalog pools;
  private final ReplicaClient client;
  private final EndpointProperties properties;
  private final AdvisoryLocks locks;
  private final TransactionTemplate transactions;
  private final ObjectProvider<RolloutListener> listeners;
  private final io.baton.orchestrator.events.EventLog events;
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
      AdvisoryLocks locks,
      TransactionTemplate transactions,
      ObjectProvider<RolloutListener> listeners,
      io.baton.orchestrator.events.EventLog events,
      JsonMapper json,
      Clock clock,
      ReconcileLoops loops) {
    this.repository = repository;
    this.backend = backend;
    this.nodes = nodes;
    this.pools = pools;
    this.client = client;
    this.properties = properties;
    this.locks = locks;
    this.transactions = transactions;
    this.listeners = listeners;
    this.events = events;
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
      loop.drive(rollout.id(), () -> driveLocked(rollout.id()));
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

  private void driveLocked(UUID id) {
    Optional<AdvisoryLocks.Held> lock = locks.tryLock("rollout/" + id);
    if (lock.isEmpty()) {
      return;
    }
    try (AdvisoryLocks.Held held = lock.get()) {
      Optional<Rollout> rollout = repository.rollout(id).filter(Rollout::inFlight);
      if (rollout.isPresent()) {
        drive(rollout.get());
      }
    }
  }

  /** Canary, golden check, the rest, switch; or stop what was started and keep what served. */
  void drive(Rollout rollout) {
    EndpointRepository.Row row = repository.find(rollout.endpoint()).orElseThrow();
    EndpointRepository.RevisionRow revision =
        repository.revision(rollout.endpoint(), rollout.revision()).orElseThrow();
    ObjectNode evidence = (ObjectNode) rollout.evidence().deepCopy();
    tools.jackson.databind.JsonNode policy = evidence.path("policy");
    Duration readiness =
        Duration.ofMillis(
            policy.path("readinessTimeoutMs").asLong(properties.readinessTimeout().toMillis()));
    double abs = policy.path("absTolerance").asDouble(Parity.DEFAULT_ABS);
    double rel = policy.path("relTolerance").asDouble(Parity.DEFAULT_REL);
    int replicas = policy.path("replicas").asInt(row.desiredReplicas());

    long started = System.nanoTime();
    ensure(row, revision, 0);
    advance(rollout, "CANARY", evidence);
    Ready canary = awaitReady(rollout.endpoint(), rollout.revision(), Set.of(0), readiness);
    evidence.put("canaryReadyMs", canary.millis());
    if (canary.failure() != null) {
      evidence.put("log", backend.logs(rollout.endpoint(), rollout.revision(), 0, 20));
      fail(rollout, "canary " + canary.failure(), evidence);
      return;
    }
    if (revision.golden() != null) {
      String url = canary.urls().get(0);
      try {
        GoldenSet golden = GoldenSet.read(Path.of(revision.golden()), json);
        long asked = System.nanoTime();
        double[][] answers = client.predict(url, golden.inputs(), properties.predictTimeout());
        Parity.Result parity = Parity.compare(golden.outputs(), answers, abs, rel);
        ObjectNode check = json.valueToTree(parity);
        check.put("answerMs", (System.nanoTime() - asked) / 1_000_000);
        evidence.set("golden", check);
        if (!parity.passed()) {
          fail(
              rollout,
              "canary's golden outputs differ: max abs error "
                  + parity.maxAbsError()
                  + " (tolerance "
                  + abs
                  + " + "
                  + rel
                  + " × |expected|)"
                  + (parity.mismatch() == null ? "" : "; " + parity.mismatch()),
              evidence);
          return;
        }
      } catch (GoldenSet.Unreadable | ReplicaClient.Failed e) {
        fail(rollout, "golden check failed: " + e.getMessage(), evidence);
        return;
      }
    }
    advance(rollout, "SCALING", evidence);
    Set<Integer> all = new HashSet<>();
    for (int i = 0; i < replicas; i++) {
      ensure(withDesired(row, replicas), revision, i);
      all.add(i);
    }
    Ready rest = awaitReady(rollout.endpoint(), rollout.revision(), all, readiness);
    evidence.put("replicasReadyMs", rest.millis());
    evidence.put("replicasReady", rest.urls().size());
    if (rest.failure() != null) {
      fail(rollout, "replica " + rest.failure(), evidence);
      return;
    }
    evidence.put("rolloutMs", (System.nanoTime() - started) / 1_000_000);
    succeed(rollout, replicas, evidence);
    for (ReplicaState r : backend.replicas(rollout.endpoint())) {
      if (r.revision() != rollout.revision()) {
        backend.stopReplica(rollout.endpoint(), r.revision(), r.index());
      }
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

  /**
   * @param failure what went wrong ("0 exited with code 1", "1 not ready within PT60S"), null
   */
  public record Ready(List<String> urls, long millis, String failure) {}

  public Ready awaitReady(String endpoint, int revision, Set<Integer> indexes, Duration timeout) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      List<ReplicaState> states =
          backend.replicas(endpoint).stream()
              .filter(r -> r.revision() == revision && indexes.contains(r.index()))
              .toList();
      long millis = (System.nanoTime() - start) / 1_000_000;
      for (ReplicaState r : states) {
        if (r.exitCode() != null) {
          return new Ready(List.of(), millis, r.index() + " exited with code " + r.exitCode());
        }
      }
      if (states.size() == indexes.size() && states.stream().allMatch(ReplicaState::ready)) {
        return new Ready(states.stream().map(ReplicaState::url).toList(), millis, null);
      }
      if (System.nanoTime() > deadline) {
        return new Ready(List.of(), millis, "not ready within " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for replicas", e);
      }
    }
  }

  private void advance(Rollout rollout, String state, ObjectNode evidence) {
    transactions.executeWithoutResult(
        status -> {
          Rollout now = repository.rollout(rollout.id()).orElseThrow();
          if (!now.state().equals(state)
              && repository.updateRollout(
                  rollout.id(), state, null, evidence, false, clock.instant())) {
            events.append(
                Endpoints.rolloutEvent(
                    rollout.endpoint(),
                    rollout.id(),
                    now.state(),
                    state,
                    "revision " + rollout.revision(),
                    ACTOR,
                    clock.instant()));
          }
        });
  }

  private void succeed(Rollout rollout, int replicas, ObjectNode evidence) {
    String reason =
        "revision " + rollout.revision() + " serves with " + replicas + " ready replicas";
    transactions.executeWithoutResult(
        status -> {
          repository.lock(rollout.endpoint()).orElseThrow();
          if (!repository.updateRollout(
              rollout.id(), "SUCCEEDED", reason, evidence, true, clock.instant())) {
            return;
          }
          repository.update(
              rollout.endpoint(), "ACTIVE", rollout.revision(), replicas, clock.instant());
          events.append(
              Endpoints.rolloutEvent(
                  rollout.endpoint(),
                  rollout.id(),
                  rollout.fromRevision() == null ? null : "revision " + rollout.fromRevision(),
                  "SUCCEEDED",
                  reason,
                  ACTOR,
                  clock.instant()));
          listeners.orderedStream().forEach(l -> l.ended(rollout, true, reason, evidence));
        });
    log.info("Endpoint {} serves revision {} ({})", rollout.endpoint(), rollout.revision(), reason);
  }

  private void fail(Rollout rollout, String reason, ObjectNode evidence) {
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
    transactions.executeWithoutResult(
        status -> {
          EndpointRepository.Row row = repository.lock(rollout.endpoint()).orElseThrow();
          if (!repository.updateRollout(
              rollout.id(), "ROLLED_BACK", why, evidence, true, clock.instant())) {
            return;
          }
          repository.update(
              row.name(),
              row.currentRevision() == null ? "EMPTY" : "ACTIVE",
              row.currentRevision(),
              row.desiredReplicas(),
              clock.instant());
          events.append(
              Endpoints.rolloutEvent(
                  rollout.endpoint(),
                  rollout.id(),
                  null,
                  "ROLLED_BACK",
                  why,
                  ACTOR,
                  clock.instant()));
          listeners.orderedStream().forEach(l -> l.ended(rollout, false, why, evidence));
        });
    log.warn("Rollout {} of endpoint {} rolled back: {}", rollout.id(), rollout.endpoint(), why);
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
