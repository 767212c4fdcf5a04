package io.baton.orchestrator.security;

import io.baton.orchestrator.problems.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Bearer tokens of node agents. Only SHA-256 hashes are stored; a token is shown once, when it is
 * issued. A token looked up is trusted for {@code baton.security.token-cache-ttl} since it was last
 * checked; every cached token is checked again in one query each half of that time, so a fleet
 * reporting every few seconds costs one lookup per token when it starts, not one per token per
 * interval, and a revocation on another replica takes effect within the TTL.
 */
@Service
public class NodeTokens implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(NodeTokens.class);

  /** Prefix of node tokens, so secret scanners and people can tell them apart. */
  public static final String PREFIX = "bnt_";

  private final JdbcClient jdbc;
  private final SecurityProperties properties;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private volatile ScheduledExecutorService revalidator;

  NodeTokens(JdbcClient jdbc, SecurityProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  /** A token just issued: the only time its plain text is known. */
  public record Issued(UUID id, String node, String token) {}

  /** Issues a new token for an existing node. */
  public Issued issue(String node) {
    String token = BearerTokens.generate(PREFIX);
    return new Issued(register(node, token), node, token);
  }

  /** Registers a known token for a node (used for tokens kept in files), once. */
  public UUID register(String node, String token) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO node_tokens (id, node, token_hash, created_at) VALUES (:id, :node, :hash, :now)
            ON CONFLICT (token_hash) DO NOTHING
            """)
        .param("id", id)
        .param("node", node)
        .param("hash", BearerTokens.sha256(token))
        .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .update();
    return jdbc.sql("SELECT id FROM node_tokens WHERE token_hash = :hash")
        .param("hash", BearerTokens.sha256(token))
        .query(UUID.class)
        .single();
  }

  /**
   * Revokes a node's token; reports with it are refused with 401 from then on.
   *
   * @throws NotFoundException when the node has no such token
   */
  public void revoke(String node, UUID tokenId) {
    int revoked =
        jdbc.sql(
                """
                UPDATE node_tokens SET revoked_at = coalesce(revoked_at, :now)
                 WHERE id = :id AND node = :node
                """)
            .param("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
            .param("id", tokenId)
            .param("node", node)
            .update();
    if (revoked == 0) {
      throw new NotFoundException("token", "id", tokenId + " of node " + node);
    }
    cache.clear();
  }

  /**
   * The node a bearer token belongs to.
   *
   * @throws UnauthorizedException when the token is unknown or revoked
   */
  public String authenticate(String token) {
    byte[] hash = BearerTokens.sha256(token);
    String key = HexFormat.of().formatHex(hash);
    Instant now = clock.instant();
    Cached cached = cache.get(key);
    if (cached != null && now.isBefore(cached.checked().plus(properties.tokenCacheTtl()))) {
      return cached.node();
    }
    Optional<String> node =
        jdbc.sql("SELECT node FROM node_tokens WHERE token_hash = :hash AND revoked_at IS NULL")
            .param("hash", hash)
            .query(String.class)
            .optional();
    if (node.isEmpty()) {
      cache.remove(key);
      throw new UnauthorizedException("Unknown or revoked node token.");
    }
    cache.put(key, new Cached(node.get(), now));
    return node.get();
  }

  /** Whether the token is cached and trusted now, without a lookup. */
  boolean trusts(String token) {
    Cached cached = cache.get(HexFormat.of().formatHex(BearerTokens.sha256(token)));
    return cached != null
        && clock.instant().isBefore(cached.checked().plus(properties.tokenCacheTtl()));
  }

  /**
   * Checks every cached token again, in one query per 5,000: those still valid are trusted for
   * another TTL, the others forgotten (their next use is looked up, and refused).
   */
  void revalidate() {
    Instant started = clock.instant();
    List<Map.Entry<String, Cached>> entries = List.copyOf(cache.entrySet());
    for (int from = 0; from < entries.size(); from += 5_000) {
      List<Map.Entry<String, Cached>> chunk =
          entries.subList(from, Math.min(entries.size(), from + 5_000));
      Set<String> valid =
          new HashSet<>(
              jdbc.sql(
                      """
                      SELECT encode(token_hash, 'hex') FROM node_tokens
                       WHERE token_hash = ANY (SELECT decode(h, 'hex')
                                                 FROM unnest(string_to_array(:hashes, ',')) h)
                         AND revoked_at IS NULL
                      """)
                  .param("hashes", String.join(",", chunk.stream().map(Map.Entry::getKey).toList()))
                  .query(String.class)
                  .list());
      for (Map.Entry<String, Cached> entry : chunk) {
        if (valid.contains(entry.getKey())) {
          cache.replace(
              entry.getKey(), entry.getValue(), new Cached(entry.getValue().node(), started));
        } else {
          cache.remove(entry.getKey(), entry.getValue());
        }
      }
    }
  }

  @Override
  public void start() {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "baton-token-revalidator");
              thread.setDaemon(true);
              return thread;
            });
    long period = Math.max(1, properties.tokenCacheTtl().toMillis() / 2);
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            revalidate();
          } catch (RuntimeException e) {
            // Entries not checked in time are looked up one by one again.
            log.warn("Checking cached node tokens failed: {}", e.toString());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
    revalidator = executor;
  }

  @Override
  public void stop() {
    ScheduledExecutorService executor = revalidator;
    revalidator = null;
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return revalidator != null;
  }

  /**
   * @param checked when the token was last found valid in the database
   */
  private record Cached(String node, Instant checked) {}
}
