package io.baton.orchestrator.promotion;

import io.baton.orchestrator.checkpoints.Checkpoint;
import io.baton.orchestrator.checkpoints.Checkpoints;
import io.baton.orchestrator.cluster.ClusterBackend;
import io.baton.orchestrator.cluster.InferenceBackend;
import io.baton.orchestrator.cluster.ReconcileLoop;
import io.baton.orchestrator.cluster.ReconcileLoops;
import io.baton.orchestrator.endpoints.EndpointOwnedByAnotherTeamException;
import io.baton.orchestrator.endpoints.EndpointProperties;
import io.baton.orchestrator.endpoints.Endpoints;
import io.baton.orchestrator.endpoints.GoldenSet;
import io.baton.orchestrator.endpoints.Parity;
import io.baton.orchestrator.endpoints.ReplicaClient;
import io.baton.orchestrator.endpoints.Rollout;
import io.baton.orchestrator.endpoints.RolloutKind;
import io.baton.orchestrator.endpoints.RolloutListener;
import io.baton.orchestrator.endpoints.RolloutRunner;
import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.jobs.CheckpointSelection;
import io.baton.orchestrator.jobs.Job;
import io.baton.orchestrator.jobs.JobService;
import io.baton.orchestrator.jobs.JobSpec;
import io.baton.orchestrator.persistence.RowClaims;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.pools.PoolRole;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Walks promotions through their gates. Every {@code baton.promotion.reconcile-interval}: a
 * promotion starts for each succeeded job with a promotion block; each unfinished promotion is
 * driven (under a row-level claim, so one orchestrator drives it) gate after gate until it waits
 * (for approval, for its rollout) or ends. Each gate is recorded as it starts and as it ends, in
 * its own transaction, so a restarted orchestrator goes on at the first gate without a verdict.
 */
@Component
class PromotionRunner implements SmartLifecycle, RolloutListener {

  private static final Logger log = LoggerFactory.getLogger(PromotionRunner.class);
  static final String ACTOR = "promotion";

  private final PromotionRepository promotions;
  private final Checkpoints checkpoints;
  private final JobService jobs;
  private final ClusterBackend cluster;
  private final InferenceBackend inference;
  private final Endpoints endpoints;
  private final RolloutRunner rollouts;
  private final ReplicaClient client;
  private final EndpointProperties endpointProperties;
  private final PromotionProperties properties;
  private final PoolCatalog pools;
  private final RowClaims claims;
  private final TransactionTemplate transactions;
  private final EventLog events;
  private final JsonMapper json;
  private final Clock clock;
  private final ReconcileLoop loop;

  PromotionRunner(
      PromotionRepository promotions,
      Checkpoints checkpoints,
      JobService jobs,
      ClusterBackend cluster,
      InferenceBackend inference,
      Endpoints endpoints,
      RolloutRunner rollouts,
      ReplicaClient client,
      EndpointProperties endpointProperties,
      PromotionProperties properties,
      PoolCatalog pools,
      RowClaims claims,
      TransactionTemplate transactions,
      EventLog events,
      JsonMapper json,
      Clock clock,
      ReconcileLoops loops) {
    this.promotions = promotions;
    this.checkpoints = checkpoints;
    this.jobs = jobs;
    this.cluster = cluster;
    this.inference = inference;
    this.endpoints = endpoints;
    this.rollouts = rollouts;
    this.client = client;
    this.endpointProperties = endpointProperties;
    this.properties = properties;
    this.pools = pools;
    this.claims = claims;
    this.transactions = transactions;
    this.events = events;
    this.json = json;
    this.clock = clock;
    this.loop = loops.owned("baton-promotions", this::reconcileAll);
  }

  /** Looks at promotions soon, outside the regular interval. */
  public void kick() {
    loop.kick(properties.automatic());
  }

  /** One pass: start promotions of succeeded jobs, drive the unfinished ones. */
  public void reconcileAll() {
    for (UUID jobId : promotions.succeededWithoutPromotion(100)) {
      try {
        startFor(jobs.get(jobId));
      } catch (RuntimeException e) {
        log.warn("Starting the promotion of job {} failed; retrying: {}", jobId, e.toString());
      }
    }
    for (Promotion p : promotions.inFlight()) {
      if (needsWork(p)) {
        loop.drive(p.id(), () -> driveLocked(p.id()));
      }
    }
  }

  private void startFor(Job job) {
    JobSpec.PromotionSpec policy = job.spec().promotion();
    Instant now = clock.instant();
    Promotion p =
        new Promotion(
            UUID.randomUUID(),
            job.id(),
            null,
            policy.endpoint(),
            PromotionState.PENDING,
            Trigger.JOB,
            policy,
            List.of(),
            null,
            null,
            null,
            "job " + job.id() + " succeeded",
            ACTOR,
            0,
            now,
            now,
            null);
    transactions.executeWithoutResult(
        status -> {
          if (promotions.insert(p)) {
            events.append(event(p, null, PromotionState.PENDING, p.reason(), ACTOR));
          }
        });
  }

  /** Whether the promotion can advance by itself now (not waiting for a person or a rollout). */
  static boolean needsWork(Promotion p) {
    if (p.state().isTerminal()) {
      return false;
    }
    if (p.state() == PromotionState.AWAITING_APPROVAL) {
      return p.gate(PromotionState.AWAITING_APPROVAL).isEmpty();
    }
    return p.state() != PromotionState.ROLLING_OUT || p.rolloutId() == null;
  }

  /**
   * Takes the promotion's steps while it can advance by itself, under a row-level claim renewed
   * while it runs: no database connection is held between (or during) steps but each short write.
   */
  private void driveLocked(UUID id) {
    Optional<RowClaims.Held> claim = claims.tryClaim("promotions", id);
    if (claim.isEmpty()) {
      return;
    }
    try (RowClaims.Held held = claim.get()) {
      while (held.valid()) {
        Promotion p = promotions.find(id).orElseThrow();
        if (!needsWork(p) || !step(p)) {
          return;
        }
      }
    }
  }

  /** Runs the promotion's current step; false when it has to wait for something outside. */
  boolean step(Promotion p) {
    return switch (p.state()) {
      case PENDING -> select(p);
      case VERIFYING -> verify(p);
      case CONVERTING -> convert(p);
      case EVALUATING -> evaluate(p);
      case PARITY -> parity(p);
      case AWAITING_APPROVAL -> awaitApproval(p);
      case ROLLING_OUT -> rollOut(p);
      case ACTIVE, REJECTED, ROLLED_BACK -> false;
    };
  }

  // --- PENDING: which checkpoint --------------------------------------------------------------

  private boolean select(Promotion p) {
    if (p.checkpointId() != null) {
      save(p, p.moved(PromotionState.VERIFYING, "checkpoint given", clock.instant()), ACTOR);
      return true;
    }
    Job job = jobs.get(p.jobId());
    List<String> nodes = job.placement().stream().map(Job.Placement::node).toList();
    boolean settled =
        promotions.nodesReportedSince(nodes, job.updatedAt())
            || clock.instant().isAfter(job.updatedAt().plus(properties.settleTimeout()));
    if (!settled) {
      return false;
    }
    List<Checkpoint> live = checkpoints.live(job.id());
    List<Gates.Candidate> candidates =
        live.stream().map(c -> new Gates.Candidate(c.id(), c.step(), metrics(c))).toList();
    Optional<Gates.Candidate> chosen = Gates.select(candidates, p.policy());
    Instant now = clock.instant();
    if (chosen.isEmpty()) {
      String why =
          live.isEmpty()
              ? "job " + job.id() + " has no checkpoint to promote"
              : "no checkpoint of job " + job.id() + " has metric '" + p.policy().metric() + "'";
      save(p, p.moved(PromotionState.REJECTED, why, now), ACTOR);
      return false;
    }
    Gates.Candidate c = chosen.get();
    String why =
        p.policy().select() == CheckpointSelection.BEST
            ? "chose step "
                + c.step()
                + ", best by "
                + p.policy().metric()
                + " = "
                + c.metrics().get(p.policy().metric())
                + " among "
                + candidates.size()
            : "chose step " + c.step() + ", the newest of " + candidates.size();
    save(p, p.withCheckpoint(c.id()).moved(PromotionState.VERIFYING, why, now), ACTOR);
    return true;
  }

  private static Map<String, Double> metrics(Checkpoint c) {
    Map<String, Double> values = new HashMap<>();
    if (c.metrics() != null) {
      c.metrics()
          .properties()
          .forEach(
              e -> {
                if (e.getValue().isNumber()) {
                  values.put(e.getKey(), e.getValue().asDouble());
                }
              });
    }
    return values;
  }

  // --- VERIFYING ------------------------------------------------------------------------------

  private boolean verify(Promotion p) {
    Promotion running = begin(p, PromotionState.VERIFYING);
    Checkpoint c = checkpoints.get(p.checkpointId());
    ObjectNode evidence = json.createObjectNode();
    evidence.put("checkpointId", c.id().toString());
    evidence.put("step", c.step());
    evidence.put("file", c.file().toString());
    evidence.put("expectedSha256", c.sha256());
    if (c.sizeBytes() == null) {
      evidence.putNull("expectedSizeBytes");
    } else {
      evidence.put("expectedSizeBytes", c.sizeBytes());
    }
    if (c.deletedAt() != null) {
      evidence.put("deletedAt", c.deletedAt().toString());
      return reject(
          running,
          PromotionState.VERIFYING,
          evidence,
          "the checkpoint was deleted: " + c.deletedReason());
    }
    Optional<String> owner = endpoints.owner(p.endpoint());
    if (owner.isPresent() && !owner.get().equals(c.team())) {
      return reject(
          running,
          PromotionState.VERIFYING,
          evidence,
          "endpoint " + p.endpoint() + " belongs to another team");
    }
    long started = System.nanoTime();
    ClusterBackend.FileDigest digest = cluster.digest(c.file().toString());
    evidence.put("durationMs", (System.nanoTime() - started) / 1_000_000);
    evidence.put("exists", digest.exists());
    evidence.put("sha256", digest.sha256());
    evidence.put("sizeBytes", digest.sizeBytes());
    Gates.Verification v =
        Gates.verify(
            digest.exists(), c.sha256(), c.sizeBytes(), digest.sha256(), digest.sizeBytes());
    checkpoints.markVerified(c.id(), v.passed(), clock.instant());
    if (!v.passed()) {
      return reject(running, PromotionState.VERIFYING, evidence, v.reason());
    }
    return pass(
        running,
        PromotionState.VERIFYING,
        GateVerdict.PASSED,
        evidence,
        PromotionState.CONVERTING,
        v.reason());
  }

  // --- CONVERTING -----------------------------------------------------------------------------

  private boolean convert(Promotion p) {
    Promotion running = begin(p, PromotionState.CONVERTING);
    Checkpoint c = checkpoints.get(p.checkpointId());
    String serving = endpointProperties.servingFormat();
    ObjectNode evidence = json.createObjectNode();
    evidence.put("format", c.format());
    evidence.put("servingFormat", serving);
    if (!Gates.needsConversion(c.format(), serving)) {
      Promotion next = running.withArtifact(c.file().toString());
      return pass(
          next,
          PromotionState.CONVERTING,
          GateVerdict.SKIPPED,
          evidence,
          PromotionState.EVALUATING,
          c.format() == null ? "format not reported; served as " + serving : "already " + serving);
    }
    JobSpec.Converter converter = p.policy().converter();
    if (converter == null) {
      return reject(
          running,
          PromotionState.CONVERTING,
          evidence,
          "the checkpoint is "
              + c.format()
              + ", endpoints serve "
              + serving
              + ", and the policy names no converter");
    }
    String outputFormat = converter.outputFormat() == null ? serving : converter.outputFormat();
    InferenceBackend.Conversion conversion =
        inference.convert(
            new InferenceBackend.ConversionRequest(
                p.id(),
                pool(p),
                converter.command(),
                c.file().toString(),
                outputFormat,
                Map.of(),
                endpointProperties.converterTimeout()));
    evidence.set("command", json.valueToTree(converter.command()));
    evidence.put("exitCode", conversion.exitCode());
    evidence.put("durationMs", conversion.took().toMillis());
    evidence.put("outputFormat", outputFormat);
    evidence.put("log", conversion.log());
    if (conversion.output() == null) {
      return reject(
          running,
          PromotionState.CONVERTING,
          evidence,
          "the converter exited with code " + conversion.exitCode() + " and made no output");
    }
    ClusterBackend.FileDigest out = cluster.digest(conversion.output());
    evidence.put("output", conversion.output());
    evidence.put("outputSha256", out.sha256());
    evidence.put("outputSizeBytes", out.sizeBytes());
    return pass(
        running.withArtifact(conversion.output()),
        PromotionState.CONVERTING,
        GateVerdict.PASSED,
        evidence,
        PromotionState.EVALUATING,
        "converted " + c.format() + " to " + outputFormat);
  }

  // --- EVALUATING -----------------------------------------------------------------------------

  private boolean evaluate(Promotion p) {
    Promotion running = begin(p, PromotionState.EVALUATING);
    Checkpoint c = checkpoints.get(p.checkpointId());
    ObjectNode evidence = json.createObjectNode();
    evidence.set("metrics", c.metrics() == null ? json.createObjectNode() : c.metrics());
    Map<String, JobSpec.Bound> thresholds = p.policy().thresholds();
    if (thresholds == null || thresholds.isEmpty()) {
      return pass(
          running,
          PromotionState.EVALUATING,
          GateVerdict.SKIPPED,
          evidence,
          PromotionState.PARITY,
          "no thresholds");
    }
    Map<String, Gates.MetricCheck> checks = Gates.evaluate(metrics(c), thresholds);
    evidence.set("checks", json.valueToTree(checks));
    List<String> failed =
        checks.entrySet().stream()
            .filter(e -> !e.getValue().passed())
            .map(
                e ->
                    e.getKey()
                        + " = "
                        + (e.getValue().value() == null ? "missing" : e.getValue().value())
                        + bounds(e.getValue()))
            .toList();
    if (!failed.isEmpty()) {
      return reject(
          running,
          PromotionState.EVALUATING,
          evidence,
          "metrics out of bounds: " + String.join(", ", failed));
    }
    return pass(
        running,
        PromotionState.EVALUATING,
        GateVerdict.PASSED,
        evidence,
        PromotionState.PARITY,
        checks.size() + " metrics within bounds");
  }

  private static String bounds(Gates.MetricCheck check) {
    return " (bounds "
        + (check.min() == null ? "-∞" : check.min())
        + " .. "
        + (check.max() == null ? "∞" : check.max())
        + ")";
  }

  // --- PARITY ---------------------------------------------------------------------------------

  /**
   * One step of PARITY: start the canary replica, or look whether it is ready (false: wait for a
   * later pass — nothing sleeps, no connection is held), or, once it is, compare its answers to the
   * golden outputs. The gate's start is persisted; its readiness timeout counts from it.
   */
  private boolean parity(Promotion p) {
    boolean going =
        p.gate(PromotionState.PARITY).map(g -> g.verdict() == GateVerdict.RUNNING).orElse(false);
    Promotion running = going ? p : begin(p, PromotionState.PARITY);
    Instant started =
        running.gate(PromotionState.PARITY).map(Gate::startedAt).orElse(clock.instant());
    Checkpoint c = checkpoints.get(p.checkpointId());
    double abs = tolerance(p, true);
    double rel = tolerance(p, false);
    ObjectNode evidence = json.createObjectNode();
    evidence.put("absTolerance", abs);
    evidence.put("relTolerance", rel);
    String key = canaryKey(p);
    GoldenSet golden;
    try {
      golden = GoldenSet.read(c.goldenFile(), json);
    } catch (GoldenSet.Unreadable e) {
      inference.stopReplica(key, 1, 0);
      return reject(running, PromotionState.PARITY, evidence, e.getMessage());
    }
    evidence.put("goldenInputs", golden.inputs().length);
    Optional<InferenceBackend.ReplicaState> canary =
        inference.replicas(key).stream()
            .filter(r -> r.revision() == 1 && r.index() == 0)
            .findFirst();
    if (canary.isEmpty()) {
      inference.ensureReplica(
          rollouts.placeReplica(
              key, pool(p), 1, 0, p.artifact() == null ? c.file().toString() : p.artifact()));
      return false;
    }
    InferenceBackend.ReplicaState replica = canary.get();
    Duration timeout = readinessTimeout(p);
    evidence.put("node", replica.node());
    evidence.set("chips", json.valueToTree(replica.chips()));
    evidence.put("readinessMs", Math.max(0, Duration.between(started, clock.instant()).toMillis()));
    if (replica.exitCode() != null) {
      inference.stopReplica(key, 1, 0);
      return reject(
          running,
          PromotionState.PARITY,
          evidence,
          "the canary replica 0 exited with code " + replica.exitCode());
    }
    if (!replica.ready()) {
      if (clock.instant().isAfter(started.plus(timeout))) {
        inference.stopReplica(key, 1, 0);
        return reject(
            running,
            PromotionState.PARITY,
            evidence,
            "the canary replica 0 not ready within " + timeout.toSeconds() + " s");
      }
      return false;
    }
    try {
      long asked = System.nanoTime();
      double[][] answers =
          client.predict(replica.url(), golden.inputs(), endpointProperties.predictTimeout());
      evidence.put("answerMs", (System.nanoTime() - asked) / 1_000_000);
      Parity.Result result = Parity.compare(golden.outputs(), answers, abs, rel);
      evidence.put("outputs", result.outputs());
      evidence.put("maxAbsError", result.maxAbsError());
      evidence.put("maxRelError", result.maxRelError());
      evidence.put("worstRow", result.worstRow());
      if (result.mismatch() != null) {
        evidence.put("mismatch", result.mismatch());
      }
      if (!result.passed()) {
        return reject(
            running,
            PromotionState.PARITY,
            evidence,
            "golden outputs differ on the inference pool: max abs error "
                + result.maxAbsError()
                + ", max rel error "
                + result.maxRelError()
                + " (tolerance "
                + abs
                + " + "
                + rel
                + " × |expected|)"
                + (result.mismatch() == null ? "" : "; " + result.mismatch()));
      }
    } catch (ReplicaClient.Failed e) {
      return reject(
          running, PromotionState.PARITY, evidence, "the canary replica failed: " + e.getMessage());
    } finally {
      inference.stopReplica(key, 1, 0);
    }
    boolean approval = Boolean.TRUE.equals(p.policy().requireApproval());
    return pass(
        running,
        PromotionState.PARITY,
        GateVerdict.PASSED,
        evidence,
        approval ? PromotionState.AWAITING_APPROVAL : PromotionState.ROLLING_OUT,
        "golden outputs within tolerance");
  }

  /** The parity canary's replica key: its own, never an endpoint's. */
  static String canaryKey(Promotion p) {
    return "parity-" + p.id();
  }

  private double tolerance(Promotion p, boolean absolute) {
    JobSpec.Parity parity = p.policy().parity();
    Double value = parity == null ? null : absolute ? parity.absTolerance() : parity.relTolerance();
    return value != null ? value : absolute ? Parity.DEFAULT_ABS : Parity.DEFAULT_REL;
  }

  private Duration readinessTimeout(Promotion p) {
    Integer seconds = p.policy().readinessTimeoutSeconds();
    return seconds == null ? endpointProperties.readinessTimeout() : Duration.ofSeconds(seconds);
  }

  /** The endpoint's pool: the existing endpoint's, the policy's, else the first INFERENCE pool. */
  private String pool(Promotion p) {
    return endpoints
        .pool(p.endpoint())
        .or(() -> Optional.ofNullable(p.policy().pool()))
        .or(
            () ->
                pools.all().stream()
                    .filter(pool -> pool.role() == PoolRole.INFERENCE)
                    .map(pool -> pool.name())
                    .findFirst())
        .orElseThrow(() -> new IllegalStateException("no INFERENCE pool is configured"));
  }

  // --- AWAITING_APPROVAL ----------------------------------------------------------------------

  private boolean awaitApproval(Promotion p) {
    if (p.gate(PromotionState.AWAITING_APPROVAL).isEmpty()) {
      Instant now = clock.instant();
      save(
          p,
          p.withGate(
              new Gate(
                  PromotionState.AWAITING_APPROVAL,
                  GateVerdict.WAITING,
                  json.createObjectNode(),
                  now,
                  null)),
          ACTOR);
    }
    return false;
  }

  /** A person's decision on a promotion AWAITING_APPROVAL. */
  Promotion decide(UUID id, boolean approve, String by, String comment, String actor) {
    Promotion p = promotions.find(id).orElseThrow(() -> new PromotionNotFoundException(id));
    if (p.state() != PromotionState.AWAITING_APPROVAL) {
      throw new PromotionConflictException(
          p.state(),
          "Promotion "
              + id
              + " is "
              + p.state()
              + "; only a promotion AWAITING_APPROVAL can be approved or rejected.");
    }
    Instant now = clock.instant();
    Instant started = p.gate(PromotionState.AWAITING_APPROVAL).map(Gate::startedAt).orElse(now);
    ObjectNode evidence = json.createObjectNode();
    evidence.put(approve ? "approvedBy" : "rejectedBy", by);
    if (comment != null) {
      evidence.put("comment", comment);
    }
    evidence.put("waitedMs", Duration.between(started, now).toMillis());
    Gate gate =
        new Gate(
            PromotionState.AWAITING_APPROVAL,
            approve ? GateVerdict.PASSED : GateVerdict.FAILED,
            evidence,
            started,
            now);
    String why =
        (approve ? "approved by " : "rejected by ")
            + by
            + (comment == null || comment.isBlank() ? "" : ": " + comment);
    Promotion next =
        p.withGate(gate)
            .moved(approve ? PromotionState.ROLLING_OUT : PromotionState.REJECTED, why, now);
    save(p, next, actor);
    kick();
    return promotions.find(id).orElseThrow();
  }

  // --- ROLLING_OUT ----------------------------------------------------------------------------

  private boolean rollOut(Promotion p) {
    Checkpoint c = checkpoints.get(p.checkpointId());
    JsonNode parity = p.gate(PromotionState.PARITY).map(Gate::evidence).orElse(null);
    Endpoints.RolloutPolicy policy =
        new Endpoints.RolloutPolicy(readinessTimeout(p), tolerance(p, true), tolerance(p, false));
    String pool = pool(p);
    boolean started;
    try {
      started = rollOutInTransaction(p, c, parity, policy, pool);
    } catch (EndpointOwnedByAnotherTeamException e) {
      return reject(p, PromotionState.ROLLING_OUT, json.createObjectNode(), e.getMessage());
    }
    if (started) {
      rollouts.kick();
    }
    return false;
  }

  /** Adds the revision and begins its rollout, or waits for the one in flight; true when begun. */
  private boolean rollOutInTransaction(
      Promotion p, Checkpoint c, JsonNode parity, Endpoints.RolloutPolicy policy, String pool) {
    return Boolean.TRUE.equals(
        transactions.execute(
            status -> {
              Optional<Endpoints.Started> begun =
                  endpoints.promote(
                      p.endpoint(),
                      pool,
                      p.policy().replicas(),
                      c.team(),
                      new Endpoints.NewRevision(
                          c.id(),
                          c.jobId(),
                          p.id(),
                          p.artifact() == null ? c.file().toString() : p.artifact(),
                          c.goldenFile() == null ? null : c.goldenFile().toString(),
                          c.sha256(),
                          parity),
                      policy,
                      ACTOR);
              Instant now = clock.instant();
              ObjectNode evidence = json.createObjectNode();
              Gate gate;
              Promotion next;
              if (begun.isEmpty()) {
                if (p.gate(PromotionState.ROLLING_OUT).isPresent()) {
                  return false;
                }
                evidence.put("waiting", "another rollout of the endpoint is in flight");
                gate =
                    new Gate(PromotionState.ROLLING_OUT, GateVerdict.WAITING, evidence, now, null);
                next = p.withGate(gate);
              } else {
                evidence.put("revision", begun.get().revision());
                evidence.put("rolloutId", begun.get().rolloutId().toString());
                gate =
                    new Gate(PromotionState.ROLLING_OUT, GateVerdict.RUNNING, evidence, now, null);
                next =
                    p.withGate(gate).withRollout(begun.get().revision(), begun.get().rolloutId());
              }
              save(p, next, ACTOR);
              return begun.isPresent();
            }));
  }

  /** The rollout of a promotion ended: the promotion is ACTIVE, or ROLLED_BACK. */
  @Override
  public void ended(Rollout rollout, boolean succeeded, String reason, JsonNode evidence) {
    if (rollout.kind() != RolloutKind.PROMOTION || rollout.promotionId() == null) {
      return;
    }
    Promotion p = promotions.find(rollout.promotionId()).orElse(null);
    if (p == null || p.state() != PromotionState.ROLLING_OUT) {
      return;
    }
    Instant now = clock.instant();
    ObjectNode gateEvidence = json.createObjectNode();
    gateEvidence.put("revision", rollout.revision());
    gateEvidence.put("rolloutId", rollout.id().toString());
    gateEvidence.setAll((ObjectNode) evidence);
    Instant started = p.gate(PromotionState.ROLLING_OUT).map(Gate::startedAt).orElse(now);
    Gate gate =
        new Gate(
            PromotionState.ROLLING_OUT,
            succeeded ? GateVerdict.PASSED : GateVerdict.FAILED,
            gateEvidence,
            started,
            now);
    Promotion next =
        p.withGate(gate)
            .moved(succeeded ? PromotionState.ACTIVE : PromotionState.ROLLED_BACK, reason, now);
    save(p, next, ACTOR);
    if (succeeded && p.checkpointId() != null) {
      checkpoints.markPromoted(p.checkpointId());
    }
  }

  // --- recording ------------------------------------------------------------------------------

  /** Records the gate as running (a gate left running by a stopped orchestrator starts over). */
  private Promotion begin(Promotion p, PromotionState gate) {
    Promotion next =
        p.withGate(
            new Gate(gate, GateVerdict.RUNNING, json.createObjectNode(), clock.instant(), null));
    save(p, next, ACTOR);
    return promotions.find(p.id()).orElseThrow();
  }

  private boolean pass(
      Promotion running,
      PromotionState gate,
      GateVerdict verdict,
      JsonNode evidence,
      PromotionState to,
      String why) {
    Instant now = clock.instant();
    Instant started = running.gate(gate).map(Gate::startedAt).orElse(now);
    Promotion next =
        running
            .withGate(new Gate(gate, verdict, evidence, started, now))
            .moved(to, gate.name() + ": " + why, now);
    save(running, next, ACTOR);
    return true;
  }

  private boolean reject(Promotion running, PromotionState gate, JsonNode evidence, String why) {
    Instant now = clock.instant();
    Instant started = running.gate(gate).map(Gate::startedAt).orElse(now);
    Promotion next =
        running
            .withGate(new Gate(gate, GateVerdict.FAILED, evidence, started, now))
            .moved(PromotionState.REJECTED, gate.name() + ": " + why, now);
    save(running, next, ACTOR);
    log.info("Promotion {} to {} REJECTED at {}: {}", running.id(), running.endpoint(), gate, why);
    return false;
  }

  /**
   * Writes {@code next} over {@code current} (version-checked) with an event if the state moved.
   */
  void save(Promotion current, Promotion next, String actor) {
    if (current.state() != next.state() && !current.state().canMoveTo(next.state())) {
      throw new IllegalStateException(
          "promotion "
              + current.id()
              + " cannot move from "
              + current.state()
              + " to "
              + next.state());
    }
    Promotion versioned =
        next.at(
            current.version(),
            next.state() == current.state() ? clock.instant() : next.updatedAt());
    transactions.executeWithoutResult(
        status -> {
          if (!promotions.update(versioned)) {
            throw new ConcurrentPromotionChange(current.id());
          }
          if (current.state() != next.state()) {
            events.append(event(next, current.state(), next.state(), next.reason(), actor));
          }
        });
  }

  private Event.New event(
      Promotion p, PromotionState from, PromotionState to, String reason, String actor) {
    return stateEvent(p, from, to, reason, actor, clock.instant());
  }

  /** A {@code promotion.state} event: on the promotion, and on its job's events too. */
  static Event.New stateEvent(
      Promotion p,
      PromotionState from,
      PromotionState to,
      String reason,
      String actor,
      java.time.Instant at) {
    return new Event.New(
        "promotion.state",
        "promotion/" + p.id(),
        p.jobId(),
        from == null ? null : from.name(),
        to.name(),
        reason,
        actor,
        at);
  }

  // --- lifecycle ------------------------------------------------------------------------------

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
