package io.baton.orchestrator.jobs;

import io.baton.orchestrator.Decision;
import io.baton.orchestrator.faults.StragglerPolicy;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolRole;
import io.baton.orchestrator.problems.FieldViolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks of a well-formed spec against the fleet: does the pool exist, is it a training pool, can
 * it ever hold the gang, does it ask for no more straggler handling than its pool gives; and the
 * walls between tenants: a checkpoint directory stays inside the job's own directory, secret
 * environment names name environment entries. Pure: the pools are passed in.
 */
@Decision
public final class JobSpecChecks {

  /** Names the launch contract sets; a spec may not override them. */
  public static final Set<String> RESERVED_ENV =
      Set.of(
          "RANK",
          "WORLD_SIZE",
          "LOCAL_RANK",
          "MASTER_ADDR",
          "MASTER_PORT",
          "ASCEND_RT_VISIBLE_DEVICES",
          "CUDA_VISIBLE_DEVICES");

  /** Fields of the job resource the server owns; a request that sets one is refused. */
  public static final Set<String> SERVER_OWNED =
      Set.of(
          "id",
          "state",
          "reason",
          "restarts",
          "attempt",
          "version",
          "createdAt",
          "updatedAt",
          "placement",
          "progress",
          "latestCheckpoint",
          "spec");

  private JobSpecChecks() {}

  /** Violations that make the spec unrunnable on these pools; empty when it can run. */
  public static List<FieldViolation> check(JobSpec spec, Collection<Pool> pools) {
    List<FieldViolation> violations = new ArrayList<>();
    Optional<Pool> found = pools.stream().filter(p -> p.name().equals(spec.pool())).findFirst();
    if (found.isEmpty()) {
      TreeSet<String> training = new TreeSet<>();
      pools.stream()
          .filter(p -> p.role() == PoolRole.TRAINING)
          .forEach(p -> training.add(p.name()));
      violations.add(
          new FieldViolation(
              "pool", "unknown pool '" + spec.pool() + "'; training pools: " + training));
    } else {
      Pool pool = found.get();
      if (pool.role() != PoolRole.TRAINING) {
        violations.add(
            new FieldViolation(
                "pool",
                "pool '"
                    + pool.name()
                    + "' is an "
                    + pool.role()
                    + " pool; training jobs need a TRAINING pool"));
      }
      if (spec.chipsPerNode() > pool.chipsPerNode()) {
        violations.add(
            new FieldViolation(
                "chipsPerNode",
                spec.chipsPerNode()
                    + " chips per node requested; nodes of pool '"
                    + pool.name()
                    + "' have "
                    + pool.chipsPerNode()));
      }
      if (spec.nodes() > pool.nodes()) {
        violations.add(
            new FieldViolation(
                "nodes",
                spec.nodes() + " nodes requested; pool '" + pool.name() + "' has " + pool.nodes()));
      }
      stragglerPolicy(spec, pool).ifPresent(violations::add);
    }
    if (spec.promotion() != null) {
      violations.addAll(inferencePool("promotion.pool", spec.promotion().pool(), pools));
    }
    for (String name : new TreeSet<>(spec.env().keySet())) {
      if (name.startsWith("BATON_") || RESERVED_ENV.contains(name)) {
        violations.add(
            new FieldViolation(
                "env." + name,
                "'" + name + "' is set by Baton's launch contract and cannot be overridden"));
      }
    }
    violations.addAll(secretEnv(spec));
    if (spec.checkpoint() != null && spec.checkpoint().dir() != null) {
      checkpointDir(spec.checkpoint().dir())
          .ifPresent(problem -> violations.add(new FieldViolation("checkpoint.dir", problem)));
    }
    if (spec.hangTimeout() != null) {
      hangTimeout(spec).ifPresent(p -> violations.add(new FieldViolation("hangTimeout", p)));
    }
    return violations;
  }

  /** Shortest and longest {@code hangTimeout} a spec may ask for. */
  public static final Duration MIN_HANG_TIMEOUT = Duration.ofSeconds(1);

  public static final Duration MAX_HANG_TIMEOUT = Duration.ofDays(7);

  private static Optional<String> hangTimeout(JobSpec spec) {
    Duration timeout = spec.hangTimeoutDuration();
    if (timeout == null) {
      return Optional.of("'" + spec.hangTimeout() + "' is not an ISO-8601 duration (e.g. PT10M)");
    }
    if (timeout.compareTo(MIN_HANG_TIMEOUT) < 0 || timeout.compareTo(MAX_HANG_TIMEOUT) > 0) {
      return Optional.of(spec.hangTimeout() + " is outside PT1S..P7D");
    }
    return Optional.empty();
  }

  /** A job may lower its pool's straggler policy towards {@code observe}, never raise it. */
  private static Optional<FieldViolation> stragglerPolicy(JobSpec spec, Pool pool) {
    if (spec.stragglerPolicy() == null) {
      return Optional.empty();
    }
    StragglerPolicy requested;
    try {
      requested = StragglerPolicy.of(spec.stragglerPolicy());
    } catch (IllegalArgumentException e) {
      return Optional.of(new FieldViolation("stragglerPolicy", e.getMessage()));
    }
    if (pool.stragglerPolicy().allows(requested)) {
      return Optional.empty();
    }
    return Optional.of(
        new FieldViolation(
            "stragglerPolicy",
            "'"
                + requested.wire()
                + "' goes beyond the straggler policy of pool '"
                + pool.name()
                + "' ('"
                + pool.stragglerPolicy().wire()
                + "'); a job may only lower it towards observe"));
  }

  private static List<FieldViolation> secretEnv(JobSpec spec) {
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < spec.secretEnv().size(); i++) {
      String name = spec.secretEnv().get(i);
      if (!spec.env().containsKey(name)) {
        violations.add(
            new FieldViolation(
                "secretEnv[" + i + "]", "'" + name + "' is not a name of an env entry"));
      }
    }
    return violations;
  }

  /**
   * Why a requested checkpoint directory is refused, if it is: it is taken relative to the job's
   * own checkpoint directory ({@code checkpoints/<job id>/} on the data directory or the volume),
   * so it must be relative and may not climb out with {@code ..}.
   */
  public static Optional<String> checkpointDir(String dir) {
    String normalized = dir.replace('\\', '/');
    if (normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")) {
      return Optional.of(
          "'"
              + dir
              + "' is absolute; give a path relative to the job's own checkpoint directory"
              + " (checkpoints/<job id>/)");
    }
    for (String segment : normalized.split("/")) {
      if (segment.equals("..")) {
        return Optional.of(
            "'" + dir + "' contains '..'; it must stay inside the job's own checkpoint directory");
      }
    }
    return Optional.empty();
  }

  /**
   * Violations of an endpoint's pool: a named pool must exist and serve inference; without a name
   * some INFERENCE pool must exist.
   */
  public static List<FieldViolation> inferencePool(
      String field, String requested, Collection<Pool> pools) {
    TreeSet<String> inference = new TreeSet<>();
    pools.stream()
        .filter(p -> p.role() == PoolRole.INFERENCE)
        .forEach(p -> inference.add(p.name()));
    if (requested == null) {
      return inference.isEmpty()
          ? List.of(new FieldViolation(field, "no INFERENCE pool is configured to serve from"))
          : List.of();
    }
    if (!inference.contains(requested)) {
      return List.of(
          new FieldViolation(
              field,
              "'" + requested + "' is not an INFERENCE pool; inference pools: " + inference));
    }
    return List.of();
  }
}
