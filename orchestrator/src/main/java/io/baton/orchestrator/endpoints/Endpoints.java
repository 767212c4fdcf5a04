package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Endpoints, their revisions and rollouts: what serves where, and changes of it. */
@Service
public class Endpoints {

  private final EndpointRepository repository;
  private final InferenceBackend backend;
  private final EventLog events;
  private final TransactionTemplate transactions;
  private final JsonMapper json;
  private final EndpointProperties properties;
  private final Clock clock;

  Endpoints(
      EndpointRepository repository,
      InferenceBackend backend,
      EventLog events,
      TransactionTemplate transactions,
      JsonMapper json,
      EndpointProperties properties,
      Clock clock) {
    this.properties = properties;
    this.repository = repository;
    this.backend = backend;
    this.events = events;
    this.transactions = transactions;
    this.json = json;
    this.clock = clock;
  }

  /** The checks a rollout's canary must pass. */
  public record RolloutPolicy(
      Duration readinessTimeout, double absTolerance, double relTolerance) {}

  /** What a new revision serves. */
  public record NewRevision(
      UUID checkpointId,
      UUID jobId,
      UUID promotionId,
      String artifact,
      String golden,
      String sha256,
      JsonNode parity) {}

  /** A rollout that began: the revision it rolls out. */
  public record Started(int revision, UUID rolloutId) {}

  /**
   * Adds a revision and begins rolling it out, in the caller's transaction; empty (and nothing
   * written) while another rollout of the endpoint is in flight. The endpoint is the promoting
   * team's: created for it, or claimed by it if no team owns it yet.
   *
   * @throws EndpointOwnedByAnotherTeamException when another team owns the endpoint (checked under
   *     the endpoint's row lock, so a check made earlier cannot be raced)
   */
  public Optional<Started> promote(
      String endpoint,
      String pool,
      Integer replicas,
      String team,
      NewRevision revision,
      RolloutPolicy policy,
      String actor) {
    Instant now = clock.instant();
    EndpointRepository.Row row =
        repository.createIfAbsentAndLock(
            endpoint, pool, replicas != null ? replicas : properties.replicas(), team, now);
    if (row.team() == null) {
      repository.claim(endpoint, team);
    } else if (!row.team().equals(team)) {
      throw new EndpointOwnedByAnotherTeamException(endpoint);
    }
    int desired = replicas != null ? replicas : row.desiredReplicas();
    if (repository.inFlight(endpoint).isPresent()) {
      return Optional.empty();
    }
    int number =
        repository.addRevision(
            endpoint,
            revision.checkpointId(),
            revision.jobId(),
            revision.promotionId(),
            revision.artifact(),
            revision.golden(),
            revision.sha256(),
            revision.parity(),
            now);
    UUID rollout =
        begin(
            row,
            number,
            RolloutKind.PROMOTION,
            revision.promotionId(),
            desired,
            policy,
            "promotion " + revision.promotionId(),
            actor,
            now);
    return Optional.of(new Started(number, rollout));
  }

  /**
   * Starts a rollout back to {@code revision}, or to the one that served before the current one.
   */
  public Rollout rollback(
      String endpoint, Integer revision, String reason, RolloutPolicy policy, String actor) {
    UUID id =
        transactions.execute(
            status -> {
              Instant now = clock.instant();
              EndpointRepository.Row row =
                  repository
                      .lock(endpoint)
                      .orElseThrow(() -> new EndpointNotFoundException(endpoint));
              Optional<Rollout> inFlight = repository.inFlight(endpoint);
              if (inFlight.isPresent()) {
                throw new RolloutConflictException(
                    "Rollout "
                        + inFlight.get().id()
                        + " of endpoint '"
                        + endpoint
                        + "' is in flight; roll back when it has ended.");
              }
              if (row.currentRevision() == null) {
                throw new RolloutConflictException(
                    "Endpoint '"
                        + endpoint
                        + "' serves nothing yet; there is nothing to roll back.");
              }
              int target;
              if (revision != null) {
                repository
                    .revision(endpoint, revision)
                    .orElseThrow(() -> new EndpointNotFoundException(endpoint, revision));
                target = revision;
              } else {
                target =
                    previous(endpoint, row.currentRevision())
                        .orElseThrow(
                            () ->
                                new RolloutConflictException(
                                    "Endpoint '"
                                        + endpoint
                                        + "' has served only revision "
                                        + row.currentRevision()
                                        + "; there is no previous revision."));
              }
              if (target == row.currentRevision()) {
                throw new RolloutConflictException(
                    "Endpoint '" + endpoint + "' already serves revision " + target + ".");
              }
              RolloutPolicy checks = policy;
              JsonNode parity =
                  repository.revision(endpoint, target).map(r -> r.parity()).orElse(null);
              if (parity != null && parity.has("absTolerance") && parity.has("relTolerance")) {
                checks =
                    new RolloutPolicy(
                        policy.readinessTimeout(),
                        parity.get("absTolerance").asDouble(),
                        parity.get("relTolerance").asDouble());
              }
              String why =
                  "rollback from revision "
                      + row.currentRevision()
                      + " to "
                      + target
                      + (reason == null || reason.isBlank() ? "" : ": " + reason);
              return begin(
                  row,
                  target,
                  RolloutKind.ROLLBACK,
                  null,
                  row.desiredReplicas(),
                  checks,
                  why,
                  actor,
                  now);
            });
    return repository.rollout(id).orElseThrow();
  }

  /** The revision that served before {@code current} started serving the last time. */
  Optional<Integer> previous(String endpoint, int current) {
    List<Rollout> done = repository.succeeded(endpoint);
    for (int i = done.size() - 1; i >= 0; i--) {
      if (done.get(i).revision() == current) {
        return Optional.ofNullable(done.get(i).fromRevision());
      }
    }
    return Optional.empty();
  }

  private UUID begin(
      EndpointRepository.Row row,
      int revision,
      RolloutKind kind,
      UUID promotionId,
      int replicas,
      RolloutPolicy policy,
      String reason,
      String actor,
      Instant now) {
    UUID id = UUID.randomUUID();
    repository.insertRollout(
        id, row.name(), revision, row.currentRevision(), kind, promotionId, reason, actor, now);
    ObjectNode evidence = json.createObjectNode();
    ObjectNode settings = evidence.putObject("policy");
    settings.put("readinessTimeoutMs", policy.readinessTimeout().toMillis());
    settings.put("absTolerance", policy.absTolerance());
    settings.put("relTolerance", policy.relTolerance());
    settings.put("replicas", replicas);
    repository.recordEvidence(id, RolloutState.PENDING, evidence, now);
    repository.update(
        row.name(), EndpointState.ROLLING_OUT, row.currentRevision(), row.desiredReplicas(), now);
    events.append(
        rolloutEvent(row.name(), id, null, RolloutState.PENDING.name(), reason, actor, now));
    return id;
  }

  static Event.New rolloutEvent(
      String endpoint,
      UUID rollout,
      String from,
      String to,
      String reason,
      String actor,
      Instant at) {
    return new Event.New(
        "endpoint.rollout",
        "endpoint/" + endpoint + "/rollouts/" + rollout,
        null,
        from,
        to,
        reason,
        actor,
        at);
  }

  // --- views -------------------------------------------------------------------------------

  public Endpoint get(String name) {
    return view(repository.find(name).orElseThrow(() -> new EndpointNotFoundException(name)));
  }

  /**
   * Endpoints by name, after {@code afterName} (null: from the first), of these teams (all when
   * null).
   */
  public List<Endpoint> list(String afterName, java.util.Set<String> teams, int limit) {
    return repository.page(afterName, teams, limit).stream().map(this::view).toList();
  }

  /** The pool the endpoint serves on; empty when there is no such endpoint. */
  public Optional<String> pool(String name) {
    return repository.find(name).map(EndpointRepository.Row::pool);
  }

  /** The team that owns the endpoint; empty when there is no such endpoint or it has no owner. */
  public Optional<String> owner(String name) {
    return repository.find(name).map(EndpointRepository.Row::team);
  }

  Endpoint view(EndpointRepository.Row row) {
    List<InferenceBackend.ReplicaState> replicas = backend.replicas(row.name());
    List<Endpoint.ReplicaView> details = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    int ready = 0;
    for (InferenceBackend.ReplicaState r : replicas) {
      details.add(
          new Endpoint.ReplicaView(
              r.revision(), r.index(), r.node(), r.url(), r.ready(), r.exitCode()));
      if (row.currentRevision() != null && r.revision() == row.currentRevision() && r.ready()) {
        ready++;
        urls.add(r.url());
      }
    }
    Endpoint.CurrentRevision current = null;
    if (row.currentRevision() != null) {
      current =
          repository
              .revision(row.name(), row.currentRevision())
              .map(
                  r ->
                      new Endpoint.CurrentRevision(
                          r.revision(), r.checkpointId(), r.jobId(), r.promotionId()))
              .orElse(null);
    }
    Endpoint.RolloutRef rollout =
        repository
            .inFlight(row.name())
            .map(r -> new Endpoint.RolloutRef(r.id(), r.revision(), r.kind(), r.state()))
            .orElse(null);
    return new Endpoint(
        row.name(),
        row.pool(),
        row.state(),
        new Endpoint.Replicas(row.desiredReplicas(), ready),
        current,
        urls,
        details,
        rollout,
        row.createdAt(),
        row.updatedAt(),
        row.team());
  }

  /**
   * Revisions newest first, below {@code beforeRevision} (null: from the newest), with the periods
   * each served.
   */
  public List<Revision> revisions(String name, Integer beforeRevision, int limit) {
    EndpointRepository.Row row =
        repository.find(name).orElseThrow(() -> new EndpointNotFoundException(name));
    List<EndpointRepository.RevisionRow> page = repository.revisions(name, beforeRevision, limit);
    Map<Integer, List<Revision.Period>> served = new HashMap<>();
    for (EndpointRepository.ServedPeriod p :
        repository.servedPeriods(
            name, page.stream().map(EndpointRepository.RevisionRow::revision).toList())) {
      served.computeIfAbsent(p.revision(), k -> new ArrayList<>()).add(p.period());
    }
    return page.stream()
        .map(
            r ->
                new Revision(
                    r.endpoint(),
                    r.revision(),
                    r.checkpointId(),
                    r.jobId(),
                    r.promotionId(),
                    r.artifact(),
                    r.golden(),
                    r.sha256(),
                    r.parity(),
                    r.createdAt(),
                    row.currentRevision() != null && row.currentRevision() == r.revision(),
                    served.getOrDefault(r.revision(), List.of())))
        .toList();
  }

  /** Rollouts newest first, older than the one at ({@code beforeTime}, {@code beforeId}). */
  public List<Rollout> rollouts(String name, Instant beforeTime, UUID beforeId, int limit) {
    repository.find(name).orElseThrow(() -> new EndpointNotFoundException(name));
    return repository.rollouts(name, beforeTime, beforeId, limit);
  }

  public Rollout rollout(String name, UUID id) {
    return repository
        .rollout(id)
        .filter(r -> r.endpoint().equals(name))
        .orElseThrow(
            () -> new io.baton.orchestrator.problems.NotFoundException("rollout", id.toString()));
  }

  /** A ready replica of what the endpoint serves, for forwarding predictions. */
  Optional<String> readyUrl(String name, int turn) {
    Endpoint endpoint = get(name);
    if (endpoint.urls().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(endpoint.urls().get(Math.floorMod(turn, endpoint.urls().size())));
  }
}
