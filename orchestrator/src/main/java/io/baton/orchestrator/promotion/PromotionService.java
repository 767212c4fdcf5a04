package io.baton.orchestrator.promotion;

import io.baton.orchestrator.checkpoints.Checkpoint;
import io.baton.orchestrator.checkpoints.Checkpoints;
import io.baton.orchestrator.endpoints.EndpointOwnedByAnotherTeamException;
import io.baton.orchestrator.endpoints.Endpoints;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobSpec;
import io.baton.orchestrator.jobs.JobSpecChecks;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.security.Action;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import io.baton.schemas.BatonSchemas;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Promotions as the API sees them: started by hand, listed, approved or rejected. */
@Service
public class PromotionService {

  private final PromotionRepository promotions;
  private final Checkpoints checkpoints;
  private final PromotionRunner runner;
  private final PoolCatalog pools;
  private final EventLog events;
  private final Cursors cursors;
  private final TransactionTemplate transactions;
  private final JsonMapper json;
  private final Clock clock;
  private final JobService jobs;
  private final Endpoints endpoints;

  PromotionService(
      PromotionRepository promotions,
      Checkpoints checkpoints,
      PromotionRunner runner,
      PoolCatalog pools,
      EventLog events,
      Cursors cursors,
      TransactionTemplate transactions,
      JsonMapper json,
      Clock clock,
      JobService jobs,
      Endpoints endpoints) {
    this.jobs = jobs;
    this.endpoints = endpoints;
    this.promotions = promotions;
    this.checkpoints = checkpoints;
    this.runner = runner;
    this.pools = pools;
    this.events = events;
    this.cursors = cursors;
    this.transactions = transactions;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Starts promoting a checkpoint: {@code {checkpointId, endpoint, …policy}}. The caller must be a
   * member of the checkpoint's team, and the endpoint, if it exists, that team's.
   */
  public Promotion start(Caller caller, JsonNode body) {
    String actor = caller.actor();
    List<FieldViolation> malformed = new ArrayList<>();
    BatonSchemas.validate(BatonSchemas.PROMOTION_REQUEST, body)
        .forEach(v -> malformed.add(new FieldViolation(v.field(), v.message())));
    if (!malformed.isEmpty()) {
      throw new BadRequestException(
          "invalid-promotion",
          "Invalid promotion request",
          "The promotion request is not valid.",
          malformed);
    }
    UUID checkpointId = UUID.fromString(body.get("checkpointId").asString());
    ObjectNode policyNode = ((ObjectNode) body).deepCopy();
    policyNode.remove("checkpointId");
    JobSpec.PromotionSpec policy = json.treeToValue(policyNode, JobSpec.PromotionSpec.class);
    List<FieldViolation> unprocessable = new ArrayList<>();
    Optional<Checkpoint> checkpoint =
        checkpoints.find(checkpointId).filter(c -> caller.sees(c.team()));
    if (checkpoint.isEmpty()) {
      unprocessable.add(
          new FieldViolation("checkpointId", "no checkpoint with id " + checkpointId));
    } else if (checkpoint.get().deletedAt() != null) {
      unprocessable.add(
          new FieldViolation(
              "checkpointId",
              "checkpoint "
                  + checkpointId
                  + " was deleted at "
                  + checkpoint.get().deletedAt()
                  + " ("
                  + checkpoint.get().deletedReason()
                  + ")"));
    }
    unprocessable.addAll(JobSpecChecks.inferencePool("pool", policy.pool(), pools.all()));
    if (!unprocessable.isEmpty()) {
      throw new PromotionRequestRejectedException(unprocessable);
    }
    String team = checkpoint.get().team();
    caller.mustBeAllowedIn(Action.START_PROMOTION, team);
    Optional<String> owner = endpoints.owner(policy.endpoint());
    if (owner.isPresent() && !owner.get().equals(team)) {
      throw new EndpointOwnedByAnotherTeamException(policy.endpoint());
    }
    Instant now = clock.instant();
    Promotion p =
        new Promotion(
            UUID.randomUUID(),
            checkpoint.get().jobId(),
            checkpointId,
            policy.endpoint(),
            PromotionState.PENDING,
            Trigger.API,
            policy,
            List.of(),
            null,
            null,
            null,
            "requested for step " + checkpoint.get().step() + " of job " + checkpoint.get().jobId(),
            actor,
            0,
            now,
            now,
            null);
    transactions.executeWithoutResult(
        status -> {
          promotions.insert(p);
          events.append(
              PromotionRunner.stateEvent(p, null, PromotionState.PENDING, p.reason(), actor, now));
        });
    runner.kick();
    return get(p.id());
  }

  public Promotion get(UUID id) {
    return promotions.find(id).orElseThrow(() -> new PromotionNotFoundException(id));
  }

  /** A promotion the caller may see (one of its team's jobs'), or 404. */
  public Promotion get(Caller caller, UUID id) {
    Promotion p = get(id);
    caller.mustSee(teamOf(p), () -> new PromotionNotFoundException(id));
    return p;
  }

  private String teamOf(Promotion p) {
    return jobs.get(p.jobId()).spec().team();
  }

  public Page<Promotion> list(
      Caller caller, UUID jobId, String endpoint, PromotionState state, int limit, String cursor) {
    String scope = "promotions|" + jobId + "|" + endpoint + "|" + state;
    Instant afterTime = null;
    UUID afterId = null;
    if (cursor != null) {
      List<String> position = cursors.decode(scope, cursor, 2);
      afterTime = Instant.parse(position.get(0));
      afterId = UUID.fromString(position.get(1));
    }
    List<Promotion> page =
        promotions.list(
            jobId,
            endpoint,
            state == null ? null : state.name(),
            caller.visibleTeams(),
            afterTime,
            afterId,
            limit + 1);
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Promotion> items = List.copyOf(page.subList(0, limit));
    Promotion last = items.get(limit - 1);
    return new Page<>(
        items, cursors.encode(scope, List.of(last.createdAt().toString(), last.id().toString())));
  }

  /**
   * Approves or rejects a promotion waiting for approval, as the caller: a maintainer of the job's
   * team. The approver recorded is the caller's identity.
   */
  public Promotion decide(Caller caller, UUID id, boolean approve, String comment) {
    Promotion p = get(id);
    caller.mustBeAllowed(
        Action.APPROVE_PROMOTION, teamOf(p), () -> new PromotionNotFoundException(id));
    return runner.decide(id, approve, caller.actor(), comment, caller.actor());
  }

  /** Deletes the promotions of jobs being purged, in the caller's transaction. */
  public void deleteOfJobs(List<UUID> jobs) {
    promotions.deleteOfJobs(jobs);
  }
}
