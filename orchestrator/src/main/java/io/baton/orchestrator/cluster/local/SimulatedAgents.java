package io.baton.orchestrator.cluster.local;

import io.baton.agent.collect.Health;
import io.baton.agent.collect.LinkState;
import io.baton.agent.collect.sim.SimCollector;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import io.baton.agent.progress.ProgressTailer;
import io.baton.agent.report.Backoff;
import io.baton.agent.report.HttpReportSender;
import io.baton.agent.report.ReportBuffer;
import io.baton.agent.report.Reporter;
import io.baton.agent.report.Sleeper;
import io.baton.agent.run.AgentLoop;
import io.baton.orchestrator.leadership.Leadership;
import io.baton.orchestrator.leadership.LeadershipChanged;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * One in-process agent per simulated node — the real agent's loop with the sim collector — that
 * reports through the same HTTP ingest path as an agent on a real node, and follows the progress
 * files of the ranks the local backend runs there. Chip faults are injected into its collector;
 * soft faults (SLOW, HANG, LINK_DOWN) into a file per node that the ranks there read ({@link
 * LocalBackend#simulatedFaults}), since a chip's health does not show them.
 */
@Component
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "local", matchIfMissing = true)
public class SimulatedAgents
    implements ApplicationListener<WebServerInitializedEvent>, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SimulatedAgents.class);

  private final SimulatedNodes nodes;
  private final LocalBackend backend;
  private final LocalProperties properties;
  private final Clock clock;
  private final Map<String, Agent> agents = new ConcurrentHashMap<>();
  private final SoftFaults softFaults = new SoftFaults();
  private final Leadership leadership;
  private volatile URI orchestrator;

  SimulatedAgents(
      SimulatedNodes nodes,
      LocalBackend backend,
      LocalProperties properties,
      Clock clock,
      Leadership leadership) {
    this.leadership = leadership;
    this.nodes = nodes;
    this.backend = backend;
    this.properties = properties;
    this.clock = clock;
  }

  private record Agent(SimCollector chips, AgentLoop loop, Thread thread) {}

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    if (!properties.agents()
        || event.getApplicationContext().getParent() != null
        || !agents.isEmpty()) {
      return;
    }
    orchestrator = URI.create("http://127.0.0.1:" + event.getWebServer().getPort());
    if (leadership.isLeader()) {
      startAgents();
    }
  }

  /**
   * The simulated machine follows the lease: only the replica that leads simulates its nodes (with
   * several simulated orchestrators on one database, a test-only setup, two simulations of one node
   * would contradict each other); a lone replica leads from its start.
   */
  @EventListener
  void on(LeadershipChanged change) {
    if (!properties.agents() || orchestrator == null) {
      return;
    }
    if (change.leading()) {
      startAgents();
    } else {
      stop();
    }
  }

  private synchronized void startAgents() {
    if (!agents.isEmpty()) {
      return;
    }
    HttpClient client = HttpReportSender.defaultClient(Duration.ofSeconds(5));
    for (SimulatedNodes.SimulatedNode node : nodes.all()) {
      try {
        Files.createDirectories(backend.progressDir(node.name()));
        Files.deleteIfExists(backend.simulatedFaults(node.name()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SimCollector chips = new SimCollector(node.pool().chipsPerNode(), Map.of());
      Reporter reporter =
          new Reporter(
              node.name(),
              UUID.randomUUID(),
              new HttpReportSender(client, orchestrator, () -> token(node), Duration.ofSeconds(10)),
              new ReportBuffer(100_000),
              Backoff.DEFAULT,
              clock,
              new Random(),
              Sleeper.REAL);
      AgentLoop loop =
          new AgentLoop(
              chips,
              new ProgressTailer(backend.progressDir(node.name()), clock),
              reporter,
              properties.agentInterval(),
              Duration.ofSeconds(2),
              clock);
      Thread thread = new Thread(loop::run, "baton-sim-agent-" + node.name());
      thread.setDaemon(true);
      thread.start();
      agents.put(node.name(), new Agent(chips, loop, thread));
    }
    log.info("Started {} simulated agents reporting to {}", agents.size(), orchestrator);
  }

  private static String token(SimulatedNodes.SimulatedNode node) {
    try {
      return Files.readString(node.tokenFile()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets a chip of a simulated node to a health (with an error code); its agent reports it. */
  public void inject(String node, int chip, String health, String code) {
    SimCollector chips = chip(node, chip);
    Health value;
    try {
      value = Health.valueOf(health);
    } catch (IllegalArgumentException e) {
      throw BadRequestException.invalidParameter("health", "one of OK, WARNING, FAULT, UNKNOWN");
    }
    chips.set(
        chip, new ChipState(value, code == null || code.isBlank() ? List.of() : List.of(code)));
  }

  /**
   * Makes a chip of a simulated node SLOW (ranks on it compute {@code factor} times slower), HANG
   * (ranks on it stop making steps without exiting) or LINK_DOWN; the ranks there read it from
   * their node's file at every step.
   */
  public void injectSoft(String node, int chip, SoftFaults.Kind kind, double factor) {
    SimCollector chips = chip(node, chip);
    softFaults.set(node, chip, kind, factor);
    if (kind == SoftFaults.Kind.LINK_DOWN) {
      chips.setLink(chip, LinkState.DOWN);
    }
    writeSoftFaults(node);
  }

  /** Whether a chip's link was made DOWN: its agent reports the chip's link DOWN meanwhile. */
  public boolean linkDown(String node, int chip) {
    return softFaults.linksDown(node).contains(chip);
  }

  /** Clears injected faults, soft ones too: of one chip, of one node, or everywhere. */
  public void clear(String node, Integer chip) {
    if (node == null) {
      agents.keySet().forEach(n -> clear(n, null));
      return;
    }
    SimCollector chips = collector(node);
    for (int i = 0; i < chips.chipCount(); i++) {
      if (chip == null || chip == i) {
        chips.set(i, ChipState.OK);
        chips.setLink(i, LinkState.UP);
      }
    }
    softFaults.clear(node, chip);
    writeSoftFaults(node);
  }

  private SimCollector chip(String node, int chip) {
    SimCollector chips = collector(node);
    if (chip < 0 || chip >= chips.chipCount()) {
      throw BadRequestException.invalidParameter(
          "chip", "node " + node + " has chips 0.." + (chips.chipCount() - 1));
    }
    return chips;
  }

  /** Replaces the node's soft-fault file at once (none: no file), so a rank never reads half. */
  private void writeSoftFaults(String node) {
    Path file = backend.simulatedFaults(node);
    String text = softFaults.render(node);
    try {
      if (text.isEmpty()) {
        Files.deleteIfExists(file);
        return;
      }
      Path next = file.resolveSibling(file.getFileName() + ".next");
      Files.writeString(next, text);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the simulated faults of " + node, e);
    }
  }

  private SimCollector collector(String node) {
    Agent agent = agents.get(node);
    if (agent == null) {
      throw new NotFoundException("simulated node", "name", node);
    }
    return agent.chips();
  }

  @Override
  public void start() {}

  @Override
  public synchronized void stop() {
    agents.values().forEach(a -> a.loop().stop());
    agents
        .values()
        .forEach(
            a -> {
              try {
                a.loop().awaitStopped(Duration.ofSeconds(3));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    agents.clear();
  }

  @Override
  public boolean isRunning() {
    return !agents.isEmpty();
  }
}
