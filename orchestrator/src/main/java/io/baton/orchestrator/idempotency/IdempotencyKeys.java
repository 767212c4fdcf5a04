package io.baton.orchestrator.idempotency;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.ProblemException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} of creating requests. A key is claimed in the same transaction that
 * creates the resource, so a retried request either replays the first result or, with another body,
 * is refused; concurrent requests with one key create one resource.
 */
@Repository
public class IdempotencyKeys {

  /** Longest key accepted. */
  public static final int MAX_KEY_LENGTH = 255;

  private final JdbcClient jdbc;
  private final JsonMapper json;

  public IdempotencyKeys(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /**
   * Checks a client's key: 1 to 255 visible ASCII characters.
   *
   * @throws BadRequestException otherwise
   */
  public static String validKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw BadRequestException.invalidParameter(
          "Idempotency-Key", "must be 1 to " + MAX_KEY_LENGTH + " characters, was " + key.length());
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw BadRequestException.invalidParameter(
            "Idempotency-Key", "must be visible ASCII characters only");
      }
    }
    return key;
  }

  /**
   * Claims {@code key} for a new resource within the current transaction.
   *
   * @return empty when the key is new (the caller creates {@code resourceId}); otherwise the id of
   *     the resource created by the first request with this key and body
   * @throws IdempotencyKeyReused when the key was used with another body
   */
  public Optional<UUID> claim(
      String scope, String key, JsonNode body, UUID resourceId, Instant now) {
    String hash = hash(body);
    int inserted =
        jdbc.sql(
                """
                INSERT INTO idempotency_keys (scope, key, request_hash, resource_id, created_at)
                VALUES (:scope, :key, :hash, :resource, :now)
                ON CONFLICT (scope, key) DO NOTHING
                """)
            .param("scope", scope)
            .param("key", key)
            .param("hash", hash)
            .param("resource", resourceId)
            .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .update();
    if (inserted == 1) {
      return Optional.empty();
    }
    Stored stored =
        jdbc.sql(
                "SELECT request_hash, resource_id FROM idempotency_keys WHERE scope = :scope AND key = :key")
            .param("scope", scope)
            .param("key", key)
            .query((rs, n) -> new Stored(rs.getString(1), rs.getObject(2, UUID.class)))
            .single();
    if (!stored.requestHash().equals(hash)) {
      throw new IdempotencyKeyReused(key);
    }
    return Optional.of(stored.resourceId());
  }

  /** Forgets keys created before {@code cutoff}; returns how many. */
  public int purgeCreatedBefore(Instant cutoff) {
    return jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
        .param("cutoff", OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
        .update();
  }

  /** SHA-256 of the body with object members sorted, so formatting and order do not matter. */
  String hash(JsonNode body) {
    try {
      byte[] canonical = json.writeValueAsBytes(canonical(body));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object canonical(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> sorted = new TreeMap<>();
      node.properties().forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
      return sorted;
    }
    if (node.isArray()) {
      return node.valueStream().map(IdempotencyKeys::canonical).toList();
    }
    return node;
  }

  private record Stored(String requestHash, UUID resourceId) {}

  /** The key was first used with a different request body. */
  public static class IdempotencyKeyReused extends ProblemException {
    IdempotencyKeyReused(String key) {
      super(
          422,
          "idempotency-key-reused",
          "Idempotency key reused",
          "Idempotency-Key '"
              + key
              + "' was already used with a different request body; "
              + "use a new key for a new request.");
    }
  }
}
