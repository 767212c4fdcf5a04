package io.baton.orchestrator.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a team submits: {@code schemas/job-spec.schema.json} as a record, defaults applied.
 * Validated against the schema before it is bound, so the fields here are well-formed.
 *
 * @param secretEnv names of {@code env} entries whose values are secret: the API shows them as
 *     {@link #MASK} ({@link #redacted}), and the Kubernetes backend passes them to the ranks
 *     through a Secret instead of the pod spec
 * @param hangTimeout how long every rank may go without a new step before the job is hung
 *     (ISO-8601, e.g. {@code PT10M}), as submitted; null: derived from the job's step times
 * @param stragglerPolicy {@code observe}, {@code avoid} or {@code replace}: lowers the pool's
 *     straggler policy for this job (never raises it); absent: the pool's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
    String name,
    String team,
    String pool,
    String image,
    List<String> command,
    Map<String, String> env,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> secretEnv,
    Map<String, String> labels,
    Integer nodes,
    Integer chipsPerNode,
    Integer priority,
    Integer maxRestarts,
    CheckpointSpec checkpoint,
    PromotionSpec promotion,
    String hangTimeout,
    String stragglerPolicy) {

  public static final int DEFAULT_NODES = 1;
  public static final int DEFAULT_PRIORITY = 0;
  public static final int DEFAULT_MAX_RESTARTS = 3;

  /** What the API shows instead of a redacted environment value. */
  public static final String MASK = "******";

  public JobSpec {
    command = command == null ? List.of() : List.copyOf(command);
    env = env == null ? Map.of() : Map.copyOf(env);
    secretEnv = secretEnv == null ? List.of() : List.copyOf(secretEnv);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    nodes = nodes == null ? DEFAULT_NODES : nodes;
    priority = priority == null ? DEFAULT_PRIORITY : priority;
    maxRestarts = maxRestarts == null ? DEFAULT_MAX_RESTARTS : maxRestarts;
  }

  /** The spec as the API shows it: every {@code secretEnv} value masked, the names kept. */
  public JobSpec redacted() {
    return redacted(Set.copyOf(secretEnv));
  }

  /**
   * The spec with the values of {@code names} masked, besides the {@code secretEnv} ones; {@code
   * allEnv} masks every value (a team that wants none of its environment shown back).
   */
  public JobSpec redacted(boolean allEnv) {
    return allEnv ? redacted(env.keySet()) : redacted();
  }

  /** The spec with the values of {@code names} and of {@code secretEnv} masked. */
  public JobSpec redacted(Set<String> names) {
    Set<String> masked = new LinkedHashSet<>(secretEnv);
    masked.addAll(names);
    masked.retainAll(env.keySet());
    if (masked.isEmpty()) {
      return this;
    }
    Map<String, String> shown = new LinkedHashMap<>(env);
    masked.forEach(name -> shown.put(name, MASK));
    return new JobSpec(
        name,
        team,
        pool,
        image,
        command,
        shown,
        secretEnv,
        labels,
        nodes,
        chipsPerNode,
        priority,
        maxRestarts,
        checkpoint,
        promotion,
        hangTimeout,
        stragglerPolicy);
  }

  /**
   * {@link #hangTimeout} as a duration; null when unset or not a duration (the checks refuse it).
   */
  public java.time.Duration hangTimeoutDuration() {
    if (hangTimeout == null) {
      return null;
    }
    try {
      return java.time.Duration.parse(hangTimeout);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** The environment entries that are not secret. */
  public Map<String, String> plainEnv() {
    Map<String, String> plain = new LinkedHashMap<>(env);
    plain.keySet().removeAll(secretEnv);
    return plain;
  }

  /** Chips the whole gang needs. */
  public int totalChips() {
    return nodes * chipsPerNode;
  }

  /**
   * Where ranks write checkpoints.
   *
   * @param dir a directory (local backend or shared volume)
   * @param uri or a URI (object storage)
   * @param everySteps how often the trainer is asked to checkpoint
   * @param keepLast retention: how many of the newest checkpoints to keep
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CheckpointSpec(String dir, String uri, Integer everySteps, Integer keepLast) {}

  /**
   * Promotion policy, applied when the job succeeds.
   *
   * @param endpoint the inference endpoint to promote to
   * @param select {@code newest} or {@code best}
   * @param metric the metric {@code best} ranks by
   * @param mode {@code max} or {@code min}: which way the metric is better
   * @param thresholds bounds the checkpoint's metrics must meet
   * @param parity tolerances of the golden-set comparison
   * @param requireApproval whether a person approves before rollout
   * @param converter command that converts the checkpoint for serving
   * @param pool the INFERENCE pool of the endpoint, when this promotion creates it
   * @param replicas serving replicas of the endpoint
   * @param readinessTimeoutSeconds how long a replica may take to become ready
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PromotionSpec(
      String endpoint,
      CheckpointSelection select,
      String metric,
      MetricMode mode,
      Map<String, Bound> thresholds,
      Parity parity,
      Boolean requireApproval,
      Converter converter,
      String pool,
      Integer replicas,
      Integer readinessTimeoutSeconds) {}

  /** Inclusive bounds of a metric. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Bound(Double min, Double max) {}

  /** Tolerances of the parity gate. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Parity(Double absTolerance, Double relTolerance) {}

  /** A format converter. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Converter(List<String> command, String outputFormat) {}
}
