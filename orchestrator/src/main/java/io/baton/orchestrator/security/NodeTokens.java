package io.baton.orchestrator.security;

import io.baton.orchestrator.problems.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Bearer tokens of node agents. Only SHA-256 hashes are stored; a token is shown once, when it is
 * issued. Lookups are cached for {@code baton.security.token-cache-ttl}.
 */
@Service
public class NodeTokens {

  /** Prefix of node tokens, so secret scanners and people can tell them apart. */
  public static final String PREFIX = "bnt_";

  private final JdbcClient jdbc;
  private final SecurityProperties properties;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

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
    String key = HexFormat.of().formatHex(BearerTokens.sha256(token));
    Instant now = clock.instant();
    Cached cached = cache.get(key);
    if (cached != null && now.isBefore(cached.expires())) {
      return cached.node();
    }
    Optional<String> node =
        jdbc.sql("SELECT node FROM node_tokens WHERE token_hash = :hash AND revoked_at IS NULL")
            .param("hash", BearerTokens.sha256(token))
            .query(String.class)
            .optional();
    if (node.isEmpty()) {
      cache.remove(key);
      throw new UnauthorizedException("Unknown or revoked node token.");
    }
    // Jittered, so that a fleet that started together does not miss the cache together.
    long ttl = properties.tokenCacheTtl().toMillis();
    long jittered =
        ttl / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(ttl / 2 + 1);
    cache.put(key, new Cached(node.get(), now.plusMillis(jittered)));
    return node.get();
  }

  private record Cached(String node, Instant expires) {}
}
