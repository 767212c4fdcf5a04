package io.baton.orchestrator.cluster.local;

import io.baton.orchestrator.persistence.DataDirProperties;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.security.NodeTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The local backend's fleet: each pool's {@code nodes} simulated nodes ({@code <pool>-<i>}) are
 * registered at start, each with a node token kept in {@code <data-dir>/tokens/<node>.token}, so
 * agents on this machine (simulated ones, or {@code baton-agent run}) report like real ones.
 */
@Component
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "local", matchIfMissing = true)
class SimulatedNodes implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SimulatedNodes.class);

  private final PoolCatalog pools;
  private final NodeRepository nodes;
  private final NodeTokens tokens;
  private final Path tokenDir;
  private final Clock clock;
  private final List<SimulatedNode> registered = new ArrayList<>();
  private volatile boolean running;

  SimulatedNodes(
      PoolCatalog pools,
      NodeRepository nodes,
      NodeTokens tokens,
      DataDirProperties dataDir,
      Clock clock) {
    this.pools = pools;
    this.nodes = nodes;
    this.tokens = tokens;
    this.tokenDir = dataDir.dataDir().resolve("tokens");
    this.clock = clock;
  }

  /** A simulated node and where its token is. */
  public record SimulatedNode(String name, Pool pool, Path tokenFile) {}

  /** The simulated nodes of every pool, registered and with tokens. */
  public List<SimulatedNode> all() {
    return List.copyOf(registered);
  }

  @Override
  public void start() {
    for (Pool pool : pools.all()) {
      for (int i = 0; i < pool.nodes(); i++) {
        String name = pool.name() + "-" + i;
        nodes.register(name, pool.name(), pool.chipsPerNode(), clock.instant());
        Path tokenFile = tokenDir.resolve(name + ".token");
        tokens.register(name, token(tokenFile));
        registered.add(new SimulatedNode(name, pool, tokenFile));
      }
    }
    log.info(
        "Local backend: {} simulated nodes, tokens in {}",
        registered.size(),
        tokenDir.toAbsolutePath());
    running = true;
  }

  private static String token(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(file.getParent());
      String token = io.baton.orchestrator.security.BearerTokens.generate(NodeTokens.PREFIX);
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort
      }
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep the node token " + file, e);
    }
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before anything that launches work on the nodes. */
  @Override
  public int getPhase() {
    return 0;
  }
}
