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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Bearer tokens of node agents. Only SHA-256 hashes are stored; a token is shown once, when it is
 * issued. A token looked up is trusted for {@code baton.security.token-cache-ttl} since it was last
 * checked; every cached token is checked again in one query each half of that time, so a fleet
 * reporting every few seconds costs one lookup per token when it starts, not one per token per
 * interval, and a revocation on another replica takes effect within the TTL.
 *
 * <p>A token without the node-token prefix is, when a {@link NodeIdentityReview} is configured (the
 * Kubernetes backend with agent authentication on), an agent's service-account token: it is
 * reviewed once and its answer cached until the review says (not revalidated in bulk: the review
 * itself bounds it). Refused ones are remembered for the TTL too, so a client retrying a bad token
 * does not turn every request into a review.
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
  private final Map<String, Instant> refused = new ConcurrentHashMap<>();
  private final ObjectProvider<NodeIdentityReview> reviews;

  private volatile ScheduledExecutorService revalidator;

  NodeTokens(
      JdbcClient jdbc,
      SecurityProperties properties,
      Clock clock,
      ObjectProvider<NodeIdentityReview> reviews) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
    this.reviews = reviews;
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
    if (cached != null && cached.trusted(now, properties.tokenCacheTtl())) {
      return cached.node();
    }
    NodeIdentityReview review = token.startsWith(PREFIX) ? null : reviews.getIfAvailable();
    if (review != null) {
      return reviewed(review, token, key, now);
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
    cache.put(key, new Cached(node.get(), now, null));
    return node.get();
  }

  private String reviewed(NodeIdentityReview review, String token, String key, Instant now) {
    Instant refusedAt = refused.get(key);
    if (refusedAt != null && now.isBefore(refusedAt.plus(properties.tokenCacheTtl()))) {
      throw new UnauthorizedException("Unknown, expired or foreign agent token.");
    }
    Optional<NodeIdentityReview.Reviewed> answer = review.review(token);
    if (answer.isEmpty() || !now.isBefore(answer.get().trustedUntil())) {
      if (refused.size() >= 10_000) {
        refused.clear();
      }
      refused.put(key, now);
      cache.remove(key);
      throw new UnauthorizedException("Unknown, expired or foreign agent token.");
    }
    refused.remove(key);
    cache.put(key, new Cached(answer.get().node(), now, answer.get().trustedUntil()));
    return answer.get().node();
  }

  /** Whether the token is cached and trusted now, without a lookup. */
  boolean trusts(String token) {
    Cached cached = cache.get(HexFormat.of().formatHex(BearerTokens.sha256(token)));
    return cached != null && cached.trusted(clock.instant(), properties.tokenCacheTtl());
  }

  /**
   * Checks every cached token again, in one query per 5,000: those still valid are trusted for
   * another TTL, the others forgotten (their next use is looked up, and refused).
   */
  void revalidate() {
    Instant started = clock.instant();
    cache.entrySet().removeIf(e -> e.getValue().reviewed() && !e.getValue().trusted(started, null));
    refused.values().removeIf(at -> !started.isBefore(at.plus(properties.tokenCacheTtl())));
    List<Map.Entry<String, Cached>> entries =
        cache.entrySet().stream().filter(e -> !e.getValue().reviewed()).toList();
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
              entry.getKey(), entry.getValue(), new Cached(entry.getValue().node(), started, null));
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
      // A check in progress ends its query before the pool closes.
      executor.shutdown();
      try {
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
          executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return revalidator != null;
  }

  /**
   * @param checked when the token was last found valid (in the database, or by a review)
   * @param until for a reviewed token, when its review stops holding; null for node tokens
   */
  private record Cached(String node, Instant checked, Instant until) {

    boolean reviewed() {
      return until != null;
    }

    boolean trusted(Instant now, java.time.Duration ttl) {
      return reviewed() ? now.isBefore(until) : now.isBefore(checked.plus(ttl));
    }
  }
}
