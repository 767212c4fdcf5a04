package io.baton.orchestrator.isolation;

import io.baton.orchestrator.cluster.ReconcileLoop;
import io.baton.orchestrator.cluster.ReconcileLoops;
import io.baton.orchestrator.cluster.RecoveryProperties;
import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.faults.FaultAction;
import io.baton.orchestrator.faults.FaultPolicy;
import io.baton.orchestrator.faults.FaultRule;
import io.baton.orchestrator.faults.Observation;
import io.baton.orchestrator.faults.Signal;
import io.baton.orchestrator.leadership.LeaseLost;
import io.baton.orchestrator.pools.ChipHealth;
import io.baton.orchestrator.pools.Node;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.NodeState;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Acts on the fault policy: every {@code baton.recovery.reconcile-interval} it reads what each
 * node's chips show in their last report (links' states, error codes and Xids, Ascend health words,
 * Nvidia memory error states) and whether the node is LOST, turns each signal newly shown into an
 * {@link Observation}, and judges Baton's own findings the runner recorded (a hang on each node of
 * the job, a straggler on each chip of its rank); the pool's {@link FaultPolicy} decides each with
 * the node's history, and the action is carried out: {@code warn} and {@code restart-job} are
 * {@code fault.observed} events, {@code isolate-chip} and {@code isolate-node} take the chip or
 * node out of placement ({@code chip.isolated}, {@code node.isolated}); the runner restarts a job
 * on it and the Kubernetes fencer cordons and taints the node. An isolation is released ({@code
 * chip.released}, {@code node.released}) once its chips have been healthy for the pool's {@code
 * isolationCooldown}, unless an operator holds it.
 */
@Component
class FaultResponder implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(FaultResponder.class);
  static final String ACTOR = "fault-policy";

  private final NodeRepository nodes;
  private final PoolCatalog pools;
  private final Isolations isolations;
  private final EventLog events;
  private final RecoveryProperties properties;
  private final Clock clock;
  private final ReconcileLoop loop;

  FaultResponder(
      NodeRepository nodes,
      PoolCatalog pools,
      Isolations isolations,
      EventLog events,
      RecoveryProperties properties,
      Clock clock,
      ReconcileLoops loops) {
    this.nodes = nodes;
    this.pools = pools;
    this.isolations = isolations;
    this.events = events;
    this.properties = properties;
    this.clock = clock;
    this.loop = loops.owned("baton-fault-responder", this::respondAll);
  }

  /** One pass over every node of every pool. */
  public void respondAll() {
    for (Pool pool : pools.all()) {
      FaultPolicy policy = pool.effectiveFaultPolicy();
      for (Node node : nodes.page(pool.name(), null, null, 10_000)) {
        if (loop.stopping()) {
          return; // the rest on the next start
        }
        try {
          respond(pool, policy, node, clock.instant());
        } catch (LeaseLost e) {
          throw e; // this replica no longer leads: the pass ends here
        } catch (RuntimeException e) {
          log.warn(
              "Acting on the faults of node {} failed; retrying: {}", node.name(), e.toString());
        }
      }
    }
    try {
      judgeFindings(clock.instant());
    } catch (LeaseLost e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("Judging Baton's findings failed; retrying: {}", e.toString());
    }
  }

  void respond(Pool pool, FaultPolicy policy, Node node, Instant now) {
    Map<Integer, Set<String>> before = isolations.signals(node.name());
    List<Observation> history = history(policy, node.name(), now);
    boolean lost = node.state() == NodeState.LOST;
    Map<Integer, Set<String>> shown = new TreeMap<>();
    if (lost) {
      shown.put(Isolations.NODE, Set.of(Signal.node(NodeState.LOST.name()).key()));
    } else if (node.chips() != null) {
      shown.putAll(signals(node.vendor(), node.chips()));
    }
    for (Map.Entry<Integer, Set<String>> chip : shown.entrySet()) {
      Set<String> earlier = before.getOrDefault(chip.getKey(), Set.of());
      for (String key : chip.getValue()) {
        if (earlier.contains(key)) {
          continue;
        }
        Observation observation =
            new Observation(now, node.name(), chipOrNull(chip.getKey()), Signal.parse(key));
        FaultPolicy.Verdict verdict = policy.evaluate(observation, history);
        history.add(observation);
        act(pool, node.name(), verdict, now);
        // Recorded once acted on: an action that failed is tried again next pass.
        isolations.showSignal(node.name(), chip.getKey(), key, now);
      }
    }
    before.forEach(
        (chip, keys) -> {
          if (lost && chip != Isolations.NODE) {
            return; // what its chips show is not known while the node is silent
          }
          keys.stream()
              .filter(key -> !shown.getOrDefault(chip, Set.of()).contains(key))
              .forEach(key -> isolations.clearSignal(node.name(), chip, key));
        });
    if (!lost && node.chips() != null) {
      release(pool, policy, node, shown, now);
    }
  }

  /**
   * Judges the findings the runner recorded (a {@code hang} on each node of the job, a {@code
   * straggler} on each chip of the slow rank) by the table of the node's pool, each once. A
   * finding's own event ({@code job.restart} for a hang, {@code job.straggler}) is its warning, and
   * a hang has already restarted its job; what the table asks beyond that is done here.
   */
  void judgeFindings(Instant now) {
    for (Isolations.Finding finding : isolations.unjudged()) {
      Optional<Node> node = nodes.find(finding.node());
      Optional<Pool> pool = node.flatMap(n -> pools.find(n.pool()));
      if (pool.isPresent()) {
        FaultPolicy policy = pool.get().effectiveFaultPolicy();
        Observation observation =
            new Observation(
                finding.at(), finding.node(), chipOrNull(finding.chip()), finding.signal());
        FaultPolicy.Verdict verdict =
            policy.evaluate(observation, history(policy, finding.node(), now));
        switch (verdict.action()) {
          case IGNORE, WARN -> {}
          case RESTART_JOB -> {
            if (finding.signal().kind() != Signal.Kind.HANG) {
              observed(finding.node(), observation.chip(), verdict, now);
              isolations.requestRestart(finding.job(), finding.attempt(), verdict.reason(), now);
            }
          }
          case ISOLATE_CHIP, ISOLATE_NODE -> act(pool.get(), finding.node(), verdict, now);
        }
      }
      isolations.judged(finding.id());
    }
  }

  /** The occurrences on {@code node} within the table's longest flap window. */
  private List<Observation> history(FaultPolicy policy, String node, Instant now) {
    List<Observation> history = new ArrayList<>();
    for (Isolations.Occurrence o : isolations.occurrences(node, now.minus(window(policy)))) {
      history.add(new Observation(o.at(), node, chipOrNull(o.chip()), Signal.parse(o.signal())));
    }
    return history;
  }

  private static Integer chipOrNull(int chip) {
    return chip == Isolations.NODE ? null : chip;
  }

  private void act(Pool pool, String node, FaultPolicy.Verdict verdict, Instant now) {
    Integer chip = verdict.observation().chip();
    switch (verdict.action()) {
      case IGNORE -> {}
      case WARN, RESTART_JOB -> {
        observed(node, chip, verdict, now);
        if (verdict.action() == FaultAction.RESTART_JOB) {
          // The runner restarts each job's current attempt on the chip (RunRepository.health).
          isolations.requestRestart(
              node, chip == null ? Isolations.NODE : chip, verdict.reason(), now);
        }
      }
      case ISOLATE_CHIP -> {
        if (isolations.isolate(node, chip, pool.name(), verdict.reason(), now)) {
          events.append(
              new Event.New(
                  "chip.isolated",
                  subject(node, chip),
                  null,
                  null,
                  "isolated",
                  verdict.reason(),
                  ACTOR,
                  now));
        }
      }
      case ISOLATE_NODE -> {
        if (isolations.isolate(node, Isolations.NODE, pool.name(), verdict.reason(), now)) {
          events.append(
              new Event.New(
                  "node.isolated",
                  "node/" + node,
                  null,
                  null,
                  "isolated",
                  verdict.reason(),
                  ACTOR,
                  now));
        }
      }
    }
  }

  private void observed(String node, Integer chip, FaultPolicy.Verdict verdict, Instant now) {
    events.append(
        new Event.New(
            "fault.observed",
            subject(node, chip),
            null,
            null,
            verdict.action().wire(),
            verdict.reason(),
            ACTOR,
            now));
  }

  private static String subject(String node, Integer chip) {
    return chip == null ? "node/" + node : "node/" + node + "/chips/" + chip;
  }

  /** Releases the node's isolations whose chips have been healthy for the pool's cooldown. */
  private void release(
      Pool pool, FaultPolicy policy, Node node, Map<Integer, Set<String>> shown, Instant now) {
    for (Isolations.Isolation isolation : isolations.all()) {
      if (!isolation.node().equals(node.name())) {
        continue;
      }
      boolean healthy =
          isolation.chip() == Isolations.NODE
              ? node.chipIndexes().stream().allMatch(c -> healthy(policy, node, shown, c))
              : healthy(policy, node, shown, isolation.chip());
      if (!healthy) {
        if (isolation.healthySince() != null) {
          isolations.healthySince(node.name(), isolation.chip(), null);
        }
      } else if (isolation.healthySince() == null) {
        isolations.healthySince(node.name(), isolation.chip(), now);
      } else if (FaultPolicy.releaseDue(
              isolation.healthySince(), pool.isolationCooldown(), isolation.held(), now)
          && isolations.release(node.name(), isolation.chip())) {
        boolean wholeNode = isolation.chip() == Isolations.NODE;
        events.append(
            new Event.New(
                wholeNode ? "node.released" : "chip.released",
                isolation.subject(),
                null,
                "isolated",
                "released",
                "healthy since "
                    + isolation.healthySince()
                    + ", for the pool's isolationCooldown "
                    + pool.isolationCooldown(),
                ACTOR,
                now));
      }
    }
  }

  /**
   * A chip is healthy when its health allows work and nothing it shows asks for more than a
   * warning.
   */
  private static boolean healthy(
      FaultPolicy policy, Node node, Map<Integer, Set<String>> shown, int chip) {
    int position = node.chipIndexes().indexOf(chip);
    if (position < 0 || position >= node.chipHealth().size()) {
      return false;
    }
    ChipHealth health = node.chipHealth().get(position);
    if (!health.schedulable()) {
      return false;
    }
    return shown.getOrDefault(chip, Set.of()).stream()
        .map(key -> policy.ruleFor(Signal.parse(key)).action())
        .allMatch(action -> action.compareTo(FaultAction.WARN) <= 0);
  }

  /** The longest flap window of the table: how much history to read. */
  private static Duration window(FaultPolicy policy) {
    Duration longest = Duration.ofMinutes(10);
    for (FaultRule rule : policy.rules()) {
      if (rule.escalates() && rule.escalateWithin().compareTo(longest) > 0) {
        longest = rule.escalateWithin();
      }
    }
    return longest;
  }

  /**
   * The signals each chip shows in its last report: its links' states other than UP ({@code
   * link:DOWN}), its error codes ({@code ascend:<code>}, {@code xid:<n>}), its Nvidia memory error
   * states ({@code ecc:<state>}) and, from an Ascend agent, npu-smi's health word when it is not OK
   * ({@code ascend-health:alarm}). A value no signal can carry is left out.
   */
  static Map<Integer, Set<String>> signals(String vendor, JsonNode chips) {
    Map<Integer, Set<String>> signals = new TreeMap<>();
    if (chips == null || !chips.isArray()) {
      return signals;
    }
    for (JsonNode chip : chips) {
      int index = chip.path("index").asInt();
      Set<String> keys = new TreeSet<>();
      for (JsonNode link : chip.path("links")) {
        String state = link.path("state").asString(null);
        if (state != null && !"UP".equalsIgnoreCase(state)) {
          add(keys, () -> Signal.link(state));
        }
      }
      for (JsonNode code : chip.path("errorCodes")) {
        add(keys, () -> Signal.ofErrorCode(code.asString("")));
      }
      for (JsonNode state : chip.path("memoryErrors")) {
        add(keys, () -> Signal.ecc(state.asString("")));
      }
      String word = chip.path("rawHealth").asString(null);
      if ("ascend".equals(vendor) && word != null && !"ok".equalsIgnoreCase(word.trim())) {
        add(keys, () -> Signal.ascendHealth(word));
      }
      if (!keys.isEmpty()) {
        signals.put(index, keys);
      }
    }
    return signals;
  }

  private static void add(Set<String> keys, java.util.function.Supplier<Signal> signal) {
    try {
      keys.add(signal.get().key());
    } catch (IllegalArgumentException unreadable) {
      // not a value the policy can match: left out
    }
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
