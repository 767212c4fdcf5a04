package io.baton.orchestrator.faults;

import static io.baton.orchestrator.faults.FaultAction.IGNORE;
import static io.baton.orchestrator.faults.FaultAction.ISOLATE_CHIP;
import static io.baton.orchestrator.faults.FaultAction.ISOLATE_NODE;
import static io.baton.orchestrator.faults.FaultAction.RESTART_JOB;
import static io.baton.orchestrator.faults.FaultAction.WARN;

import io.baton.orchestrator.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The fault policy table of a pool: {@code evaluate(observation, history) -> action}.
 *
 * <p>The row for a signal is the most specific one that matches: the signal itself ({@code
 * xid:79}), then its vendor class ({@code xid-bucket:RESTART_BM} from NVIDIA's Xid catalog, {@code
 * ascend-level:RestartNPU} from MindCluster's fault levels), then its kind ({@code xid:*}), then
 * {@code *}. One occurrence leads to the row's action; when the row escalates and the same chip (or
 * node, for node-wide signals) has had {@code escalateAfter} occurrences matching that row within
 * {@code escalateWithin}, counting this one and each distinct occurrence once, the escalated action
 * applies instead. The defaults ({@link #defaults()}) follow the vendors' classification;
 * docs/fault-policy.md lists them with their sources. A pool's {@code faultPolicy} rows replace the
 * default rows for the same signal.
 */
@Decision
public final class FaultPolicy {

  private static final String XID_BUCKET = "xid-bucket:";
  private static final String ASCEND_LEVEL = "ascend-level:";
  private static final FaultPolicy DEFAULTS = new FaultPolicy(defaultRules());

  private final Map<String, FaultRule> rules;

  private FaultPolicy(List<FaultRule> rules) {
    Map<String, FaultRule> bySignal = new LinkedHashMap<>();
    rules.forEach(rule -> bySignal.put(rule.signal(), rule));
    this.rules = bySignal;
  }

  /** The default table. */
  public static FaultPolicy defaults() {
    return DEFAULTS;
  }

  /** This table with {@code overrides} replacing (or adding) the rows for their signals. */
  public FaultPolicy with(Collection<FaultRule> overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    List<FaultRule> merged = new ArrayList<>(rules.values());
    merged.addAll(overrides);
    return new FaultPolicy(merged);
  }

  /** The rows, in table order. */
  public List<FaultRule> rules() {
    return List.copyOf(rules.values());
  }

  /** The row that decides about {@code signal}. */
  public FaultRule ruleFor(Signal signal) {
    for (String key : matchKeys(signal)) {
      FaultRule rule = rules.get(key);
      if (rule != null) {
        return rule;
      }
    }
    throw new IllegalStateException("the fault policy has no row for '*'");
  }

  /**
   * What to do about {@code latest}, given the earlier occurrences on the fleet ({@code history};
   * it may hold {@code latest} too, and occurrences elsewhere, which are not counted).
   */
  public Verdict evaluate(Observation latest, Collection<Observation> history) {
    FaultRule rule = ruleFor(latest.signal());
    if (!rule.escalates()) {
      return new Verdict(scope(rule.action(), latest), latest, rule, 1, false);
    }
    Instant from = latest.at().minus(rule.escalateWithin());
    Set<Observation> counted = new LinkedHashSet<>();
    counted.add(latest);
    for (Observation earlier : history) {
      if (earlier.node().equals(latest.node())
          && Objects.equals(earlier.chip(), latest.chip())
          && !earlier.at().isAfter(latest.at())
          && earlier.at().isAfter(from)
          && ruleFor(earlier.signal()).signal().equals(rule.signal())) {
        counted.add(earlier);
      }
    }
    boolean escalated = counted.size() >= rule.escalateAfter();
    FaultAction action = escalated ? rule.action().worst(rule.escalateTo()) : rule.action();
    return new Verdict(scope(action, latest), latest, rule, counted.size(), escalated);
  }

  /**
   * What concerns a whole node (a node LOST, a hang; no chip to blame) cannot isolate one chip:
   * {@code isolate-chip} takes the node out.
   */
  private static FaultAction scope(FaultAction action, Observation observation) {
    return observation.chip() == null && action == ISOLATE_CHIP ? ISOLATE_NODE : action;
  }

  /**
   * Whether an isolated chip or node goes back into service: when it has been healthy for the
   * pool's {@code isolationCooldown} and no operator holds it.
   *
   * @param healthySince since when it has been healthy; null while it is still unhealthy
   */
  public static boolean releaseDue(
      Instant healthySince, Duration cooldown, boolean held, Instant now) {
    return !held && healthySince != null && !healthySince.plus(cooldown).isAfter(now);
  }

  /**
   * The decision about one observation.
   *
   * @param occurrences occurrences counted for the row's escalation (1 when it does not escalate)
   * @param escalated whether flapping raised the action
   */
  public record Verdict(
      FaultAction action,
      Observation observation,
      FaultRule rule,
      int occurrences,
      boolean escalated) {

    /**
     * In words, for the event: {@code link:DOWN on a-1 chip 2 → isolate-node: 3 occurrences within
     * 10m (row link:DOWN: isolate-chip, isolate-node after 3 within 10m)}.
     */
    public String reason() {
      String text =
          observation.signal().key() + " on " + observation.where() + " → " + action.wire();
      if (escalated) {
        text += ": " + occurrences + " occurrences within " + human(rule.escalateWithin());
      }
      return text + " (row " + rule.describe() + ")";
    }
  }

  /** The table keys that could match {@code signal}, most specific first. */
  static List<String> matchKeys(Signal signal) {
    List<String> keys = new ArrayList<>(4);
    keys.add(signal.key());
    switch (signal.kind()) {
      case XID ->
          XidCatalog.bucket(Integer.parseInt(signal.value()))
              .ifPresent(b -> keys.add(XID_BUCKET + b.name()));
      case ASCEND ->
          AscendFaultCodes.level(signal.value()).ifPresent(l -> keys.add(ASCEND_LEVEL + l.name()));
      default -> {}
    }
    if (signal.kind().hasValue()) {
      keys.add(signal.kind().prefix() + ":*");
    }
    keys.add("*");
    return keys;
  }

  /** A row's signal in its canonical form; refuses what can match nothing. */
  static String canonical(String key) {
    String trimmed = key.trim();
    int colon = trimmed.indexOf(':');
    if (colon > 0) {
      trimmed = trimmed.substring(0, colon).toLowerCase(Locale.ROOT) + trimmed.substring(colon);
    }
    if (trimmed.equals("*")) {
      return trimmed;
    }
    if (trimmed.startsWith(XID_BUCKET)) {
      return XID_BUCKET + XidCatalog.Bucket.of(trimmed.substring(XID_BUCKET.length())).name();
    }
    if (trimmed.startsWith(ASCEND_LEVEL)) {
      return ASCEND_LEVEL
          + AscendFaultCodes.Level.of(trimmed.substring(ASCEND_LEVEL.length())).name();
    }
    if (trimmed.endsWith(":*")) {
      Signal.Kind kind = Signal.Kind.ofPrefix(trimmed.substring(0, trimmed.length() - 2));
      if (kind == null || !kind.hasValue()) {
        throw new IllegalArgumentException("'" + key + "' names no kind of signal with values");
      }
      return trimmed;
    }
    return Signal.parse(trimmed).key();
  }

  static String human(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /** The default table; docs/fault-policy.md shows it with the vendors' sources. */
  private static List<FaultRule> defaultRules() {
    Duration day = Duration.ofHours(24);
    return List.of(
        // Ascend error codes, by MindCluster's processor fault levels
        FaultRule.of("ascend-level:NotHandleFault", IGNORE),
        FaultRule.of("ascend-level:SubHealthFault", WARN),
        FaultRule.of("ascend-level:PreSeparateNPU", WARN),
        FaultRule.of("ascend-level:RestartBusiness", RESTART_JOB),
        FaultRule.of("ascend-level:RestartRequest", ISOLATE_CHIP),
        FaultRule.of("ascend-level:FreeRestartNPU", ISOLATE_CHIP),
        FaultRule.of("ascend-level:RestartNPU", RESTART_JOB, 2, day, ISOLATE_CHIP),
        FaultRule.of("ascend-level:SeparateNPU", ISOLATE_CHIP),
        // MindCluster's own fault frequencies for single codes
        FaultRule.of("ascend:80E18005", RESTART_JOB, 3, day, ISOLATE_CHIP),
        FaultRule.of("ascend:80E01801", RESTART_JOB, 2, day, ISOLATE_CHIP),
        FaultRule.of("ascend:81078603", IGNORE, 5, day, ISOLATE_CHIP),
        FaultRule.of("ascend:*", WARN),
        // npu-smi health words
        FaultRule.of("ascend-health:ok", IGNORE),
        FaultRule.of("ascend-health:warning", WARN),
        FaultRule.of("ascend-health:alarm", RESTART_JOB),
        FaultRule.of("ascend-health:critical", ISOLATE_CHIP),
        FaultRule.of("ascend-health:*", WARN),
        // Nvidia Xids, by the Xid catalog's resolution buckets (immediate action)
        FaultRule.of("xid-bucket:IGNORE", IGNORE),
        FaultRule.of("xid-bucket:XID_154_EVAL", IGNORE),
        FaultRule.of("xid-bucket:RESTART_APP", RESTART_JOB),
        FaultRule.of("xid-bucket:WORKFLOW_XID_45", WARN),
        FaultRule.of("xid-bucket:CONTACT_SUPPORT", WARN),
        FaultRule.of("xid-bucket:CHECK_MECHANICALS", WARN),
        FaultRule.of("xid-bucket:UPDATE_SWFW", WARN),
        FaultRule.of("xid-bucket:CHECK_UVM", WARN),
        FaultRule.of("xid-bucket:RESET_GPU", ISOLATE_CHIP),
        FaultRule.of("xid-bucket:WORKFLOW_XID_48", ISOLATE_CHIP),
        FaultRule.of("xid-bucket:WORKFLOW_NVLINK_ERR", ISOLATE_CHIP),
        FaultRule.of("xid-bucket:WORKFLOW_NVLINK5_ERR", ISOLATE_CHIP),
        FaultRule.of("xid-bucket:RESTART_VM", ISOLATE_NODE),
        FaultRule.of("xid-bucket:RESTART_BM", ISOLATE_NODE),
        FaultRule.of("xid:*", WARN),
        // Nvidia memory error states
        FaultRule.of("ecc:uncorrected", ISOLATE_CHIP),
        FaultRule.of("ecc:retired-pages-pending", ISOLATE_CHIP),
        FaultRule.of("ecc:row-remap-pending", WARN),
        FaultRule.of("ecc:row-remap-failure", ISOLATE_CHIP),
        FaultRule.of("ecc:*", WARN),
        // links, and what Baton finds itself
        FaultRule.of("link:DOWN", ISOLATE_CHIP, 3, Duration.ofMinutes(10), ISOLATE_NODE),
        FaultRule.of("link:UP", IGNORE),
        FaultRule.of("link:*", WARN),
        FaultRule.of("node:LOST", WARN),
        FaultRule.of("node:*", WARN),
        FaultRule.of("hang", RESTART_JOB),
        FaultRule.of("straggler", WARN),
        FaultRule.of("*", WARN));
  }
}
