package io.baton.agent.cli;

import io.baton.agent.Durations;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.ParseException;
import io.baton.agent.simulate.FaultSpec;
import io.baton.agent.simulate.FleetSimulator;
import io.baton.agent.simulate.FleetSummary;
import io.baton.agent.simulate.Tokens;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A fleet of simulated agents reporting to an orchestrator; prints throughput and latency. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Run N simulated agents in this process and report to the orchestrator, each node once"
          + " per --interval (N/interval reports a second, evenly spread). At the end print"
          + " reports/s, ticks skipped because the node's previous report was still unanswered,"
          + " and latency percentiles (from when a report was due to its answer), and as the last"
          + " line one JSON object.",
      "With --steps, the fleet runs each step in turn in this one process (a load ramp without"
          + " a cold start per step) and prints the same for each step as it ends.",
      "Exit 0 when reports got through, 1 when none did, 2 on bad flags."
    })
public final class SimulateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--orchestrator",
      required = true,
      paramLabel = "URL",
      description = "Base URL of the orchestrator.")
  URI orchestrator;

  @Option(
      names = "--nodes",
      required = true,
      paramLabel = "N",
      description = "Number of simulated nodes.")
  int nodes;

  @Option(
      names = "--chips",
      defaultValue = "8",
      paramLabel = "M",
      description = "Chips per node, 0..64 (default: ${DEFAULT-VALUE}).")
  int chips;

  @Option(
      names = "--interval",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "Time between two reports of one node (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "Stop after D (default: run until killed).")
  Duration duration;

  @Option(
      names = "--steps",
      paramLabel = "SPEC",
      description =
          "Run in steps instead of --interval/--duration: INTERVAL@DURATION,... e.g."
              + " 5s@60s,2s@20s,1s@20s; each step a fresh fleet (new boot ids), faults counted"
              + " from each step's start.")
  String steps;

  @Option(
      names = "--faults",
      paramLabel = "SPEC",
      description =
          "Health changes: NODE/CHIP=HEALTH[:CODE...][@DELAY],... e.g. 3/5=FAULT:E001@10s,sim-0007/0=WARNING.")
  String faults;

  @Option(
      names = "--node-prefix",
      defaultValue = "sim-",
      paramLabel = "P",
      description = "Node names are P0, P1, ... (default: ${DEFAULT-VALUE}).")
  String nodePrefix;

  @Option(
      names = "--request-timeout",
      defaultValue = "10s",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "Timeout of one report request (default: ${DEFAULT-VALUE}).")
  Duration requestTimeout;

  // Open-loop load needs in flight about rate x latency (Little's law): 64 capped 5,000 nodes at
  // ~1,700 reports/s against an orchestrator answering in ~37 ms. Connections are opened only as
  // the load needs them, so a high bound costs nothing at light load.
  @Option(
      names = "--max-in-flight",
      defaultValue = "256",
      paramLabel = "N",
      description =
          "Reports on the wire at once, each on its own keep-alive connection; more wait their"
              + " turn, and the wait counts in their latency (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @ArgGroup(exclusive = true)
  TokenOptions tokens = new TokenOptions();

  static final class TokenOptions {
    @Option(
        names = "--tokens",
        paramLabel = "FILE",
        description = "Per-node tokens, one 'node token' per line.")
    Path perNode;

    @Option(
        names = "--token-file-pattern",
        paramLabel = "PATTERN",
        description =
            "Per-node token files, {node} standing for the node's name, e.g."
                + " .baton/tokens/{node}.token (the local backend's).")
    String filePattern;

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        description = "One token shared by every node.")
    String shared;

    @Option(
        names = "--token-file",
        paramLabel = "F",
        description = "A file holding one token shared by every node.")
    Path sharedFile;
  }

  private final Clock clock;

  public SimulateCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws InterruptedException {
    List<Step> plan = steps();
    FleetSimulator.Config base = config();
    List<FleetSimulator.Config> configs =
        plan.stream().map(step -> base.withInterval(step.interval(), step.duration())).toList();
    // Steps differ only in pace: the first fleet is built now, so a bad flag is a usage error
    // before any load; each later one when its step begins.
    FleetSimulator first;
    try {
      first = new FleetSimulator(configs.get(0), clock);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    AtomicReference<FleetSimulator> current = new AtomicReference<>();
    AtomicBoolean stopped = new AtomicBoolean();
    CountDownLatch printed = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopped.set(true);
              FleetSimulator running = current.get();
              if (running != null) {
                running.stop();
              }
              try {
                printed.await(requestTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "baton-simulate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      long sent = 0;
      long ok = 0;
      for (int i = 0; i < configs.size(); i++) {
        FleetSimulator simulator = i == 0 ? first : new FleetSimulator(configs.get(i), clock);
        current.set(simulator);
        if (stopped.get()) {
          break;
        }
        FleetSummary summary = simulator.run();
        spec.commandLine().getOut().print(summary.render());
        spec.commandLine().getOut().flush();
        sent += summary.reportsSent();
        ok += summary.reportsOk();
      }
      return sent > 0 && ok == 0 ? 1 : 0;
    } finally {
      printed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running; it returns once the summary is printed
      }
    }
  }

  /**
   * One step of a --steps plan.
   *
   * @param duration null: until stopped
   */
  private record Step(Duration interval, Duration duration) {}

  /** The steps to run: those of --steps, or one of --interval and --duration. */
  private List<Step> steps() {
    if (steps == null) {
      return List.of(new Step(interval, duration));
    }
    List<Step> plan = new java.util.ArrayList<>();
    for (String item : steps.split(",")) {
      String[] parts = item.strip().split("@", -1);
      if (parts.length != 2) {
        throw usage("--steps: '" + item.strip() + "' is not INTERVAL@DURATION");
      }
      Duration stepInterval;
      Duration stepDuration;
      try {
        stepInterval = Durations.parse(parts[0].strip());
        stepDuration = Durations.parse(parts[1].strip());
      } catch (IllegalArgumentException e) {
        throw usage("--steps: " + e.getMessage());
      }
      if (stepInterval.isZero()
          || stepInterval.isNegative()
          || stepDuration.isZero()
          || stepDuration.isNegative()) {
        throw usage("--steps: '" + item.strip() + "' needs a positive interval and duration");
      }
      plan.add(new Step(stepInterval, stepDuration));
    }
    return plan;
  }

  private FleetSimulator.Config config() {
    if (nodes < 1 || nodes > 100_000) {
      throw usage("--nodes must be between 1 and 100000");
    }
    if (chips < 0 || chips > ChipSnapshot.MAX_CHIPS) {
      throw usage("--chips must be between 0 and " + ChipSnapshot.MAX_CHIPS);
    }
    if (interval.isZero() || interval.isNegative()) {
      throw usage("--interval must be positive");
    }
    if (maxInFlight < 1) {
      throw usage("--max-in-flight must be at least 1");
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw usage("--duration must be positive");
    }
    String scheme = orchestrator.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || orchestrator.getHost() == null) {
      throw usage("--orchestrator must be an http(s) URL, not '" + orchestrator + "'");
    }
    try {
      return new FleetSimulator.Config(
          orchestrator,
          nodes,
          chips,
          interval,
          duration,
          FaultSpec.parse(faults),
          tokens(),
          nodePrefix,
          requestTimeout,
          maxInFlight);
    } catch (ParseException e) {
      throw usage(e.getMessage());
    }
  }

  /** The token of each node, read up front so a missing one is a usage error, not 401s. */
  private Function<String, String> tokens() throws ParseException {
    if (tokens.shared != null) {
      return node -> tokens.shared;
    }
    if (tokens.sharedFile != null) {
      String shared = read(tokens.sharedFile, "--token-file");
      return node -> shared;
    }
    Map<String, String> byNode = new HashMap<>();
    if (tokens.perNode != null) {
      byNode.putAll(
          Tokens.parse(
              List.of(read(tokens.perNode, "--tokens").split("\\R")), tokens.perNode.toString()));
      for (int i = 0; i < nodes; i++) {
        String node = FleetSimulator.nodeName(nodePrefix, i);
        if (!byNode.containsKey(node)) {
          throw usage("--tokens " + tokens.perNode + " has no token for node " + node);
        }
      }
    } else if (tokens.filePattern != null) {
      if (!tokens.filePattern.contains("{node}")) {
        throw usage("--token-file-pattern must contain {node}");
      }
      for (int i = 0; i < nodes; i++) {
        String node = FleetSimulator.nodeName(nodePrefix, i);
        byNode.put(
            node,
            read(Path.of(tokens.filePattern.replace("{node}", node)), "--token-file-pattern"));
      }
    } else {
      return node -> null;
    }
    return byNode::get;
  }

  private String read(Path file, String option) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw usage(option + " " + file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
