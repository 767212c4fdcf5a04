package io.baton.orchestrator.auth;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.problems.NotFoundException;
import io.baton.orchestrator.security.Action;
import io.baton.orchestrator.security.BearerTokens;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.security.ForbiddenException;
import io.baton.orchestrator.security.Grant;
import io.baton.orchestrator.security.Role;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * API tokens of people and pipelines. Only SHA-256 hashes are stored and the secret is shown once;
 * every request looks its token up, so a revocation or expiry takes effect at once on every replica
 * (one indexed read per request). {@code lastUsedAt} is written at most once a minute.
 */
@Service
class ApiTokens {

  /** Prefix of API tokens, so secret scanners and people can tell them apart. */
  public static final String PREFIX = "bpat_";

  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
  private static final TypeReference<List<Grant>> GRANTS = new TypeReference<>() {};
  private static final String LIST_SCOPE = "tokens";

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final EventLog events;
  private final Cursors cursors;
  private final Clock clock;

  ApiTokens(JdbcClient jdbc, JsonMapper json, EventLog events, Cursors cursors, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.events = events;
    this.cursors = cursors;
    this.clock = clock;
  }

  /**
   * A token as the API shows it: never its secret.
   *
   * @param createdBy the actor that issued it
   */
  public record Token(
      UUID id,
      String name,
      List<Grant> grants,
      Instant createdAt,
      String createdBy,
      Instant expiresAt,
      Instant lastUsedAt,
      Instant revokedAt) {

    boolean usableAt(Instant now) {
      return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /**
     * Whether {@code caller} may see and revoke this token: an admin any, anyone its own, a
     * maintainer those all of whose grants are in teams it maintains.
     */
    boolean managedBy(Caller caller) {
      if (caller.isAdmin()
          || caller.kind() == Caller.Kind.API_TOKEN && caller.id().equals(id.toString())) {
        return true;
      }
      return grants.stream()
          .allMatch(g -> g.role() != Role.ADMIN && caller.may(Action.MANAGE_TOKENS, g.team()));
    }
  }

  /** A token just issued, with its secret: the only time the secret is known. */
  public record Issued(Token token, String secret) {}

  /**
   * Issues a token with {@code grants}, each of which the issuer must hold itself.
   *
   * @throws ForbiddenException when a grant is wider than what {@code by} holds
   */
  @Transactional
  public Issued issue(Caller by, String name, List<Grant> grants, Instant expiresAt) {
    for (Grant grant : grants) {
      if (!by.isAdmin()
          && (grant.role() == Role.ADMIN
              || !by.may(Action.MANAGE_TOKENS, grant.team())
              || by.grants().stream().noneMatch(grant::within))) {
        throw new ForbiddenException(
            "You may only issue grants you hold yourself, as a maintainer of their team: "
                + (grant.team() == null ? "" : grant.team() + ":")
                + grant.role().wire()
                + " is not yours to give.");
      }
    }
    expiresAt = noLaterThanIssuer(by, expiresAt);
    String secret = BearerTokens.generate(PREFIX);
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            INSERT INTO api_tokens (id, name, token_hash, grants, created_by, created_at, expires_at)
            VALUES (:id, :name, :hash, CAST(:grants AS jsonb), :by, :now, :expires)
            """)
        .param("id", id)
        .param("name", name)
        .param("hash", BearerTokens.sha256(secret))
        .param("grants", json.writeValueAsString(grants))
        .param("by", by.actor())
        .param("now", utc(now))
        .param("expires", expiresAt == null ? null : utc(expiresAt))
        .update();
    events.append(
        Event.New.audit(
            "token.issued",
            "token/" + id,
            "token '" + name + "' with grants " + describe(grants),
            by.actor(),
            now));
    return new Issued(
        new Token(id, name, List.copyOf(grants), now, by.actor(), expiresAt, null, null), secret);
  }

  /**
   * A token issued by another API token lives no longer than its issuer: a credential cannot
   * outlive the one that made it.
   */
  private Instant noLaterThanIssuer(Caller by, Instant requested) {
    if (by.kind() != Caller.Kind.API_TOKEN) {
      return requested;
    }
    Optional<Instant> issuerExpiry =
        jdbc.sql("SELECT expires_at FROM api_tokens WHERE CAST(id AS text) = :id")
            .param("id", by.id())
            .query((rs, n) -> instant(rs, "expires_at"))
            .optional()
            .flatMap(Optional::ofNullable);
    if (issuerExpiry.isEmpty()) {
      return requested;
    }
    return requested == null || requested.isAfter(issuerExpiry.get())
        ? issuerExpiry.get()
        : requested;
  }

  /** The caller behind a token, if it is a known API token neither revoked nor expired. */
  public Optional<Caller> authenticate(String secret) {
    Instant now = clock.instant();
    Optional<Token> found =
        jdbc.sql("SELECT * FROM api_tokens WHERE token_hash = :hash")
            .param("hash", BearerTokens.sha256(secret))
            .query((rs, n) -> token(rs))
            .optional();
    if (found.isEmpty() || !found.get().usableAt(now)) {
      return Optional.empty();
    }
    Token token = found.get();
    if (token.lastUsedAt() == null
        || token.lastUsedAt().isBefore(now.minus(LAST_USED_GRANULARITY))) {
      jdbc.sql("UPDATE api_tokens SET last_used_at = :now WHERE id = :id")
          .param("now", utc(now))
          .param("id", token.id())
          .update();
    }
    return Optional.of(
        new Caller(token.id().toString(), token.name(), Caller.Kind.API_TOKEN, token.grants()));
  }

  /** Why a token is not usable, for the failure counter: unknown, revoked or expired. */
  public String whyUnusable(String secret) {
    return jdbc.sql("SELECT * FROM api_tokens WHERE token_hash = :hash")
        .param("hash", BearerTokens.sha256(secret))
        .query((rs, n) -> token(rs))
        .optional()
        .map(t -> t.revokedAt() != null ? "revoked" : "expired")
        .orElse("unknown-token");
  }

  /** The tokens {@code caller} manages (see {@link Token#managedBy}), newest first. */
  public Page<Token> list(Caller caller, int limit, String cursor) {
    Optional<List<String>> after =
        Optional.ofNullable(cursor).map(c -> cursors.decode(LIST_SCOPE, c, 2));
    StringBuilder sql = new StringBuilder("SELECT * FROM api_tokens WHERE revoked_at IS NULL");
    if (!caller.isAdmin()) {
      sql.append(
          """
           AND (CAST(id AS text) = :self
                OR NOT EXISTS (SELECT 1 FROM jsonb_array_elements(grants) g
                                WHERE g->>'role' = 'admin'
                                   OR NOT (g->>'team' = ANY (CAST(:maintained AS text[])))))
          """);
    }
    if (after.isPresent()) {
      sql.append(" AND (created_at, id) < (:afterCreated, :afterId)");
    }
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
    var statement = jdbc.sql(sql.toString()).param("limit", limit + 1);
    if (!caller.isAdmin()) {
      statement =
          statement
              .param("self", caller.kind() == Caller.Kind.API_TOKEN ? caller.id() : "")
              .param(
                  "maintained",
                  caller.grants().stream()
                      .filter(g -> g.role().includes(Action.MANAGE_TOKENS.needs()))
                      .map(Grant::team)
                      .toArray(String[]::new));
    }
    if (after.isPresent()) {
      statement =
          statement
              .param("afterCreated", utc(Instant.parse(after.get().get(0))))
              .param("afterId", UUID.fromString(after.get().get(1)));
    }
    List<Token> page = statement.query((rs, n) -> token(rs)).list();
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Token> items = page.subList(0, limit);
    Token last = items.get(limit - 1);
    return new Page<>(
        List.copyOf(items),
        cursors.encode(LIST_SCOPE, List.of(last.createdAt().toString(), last.id().toString())));
  }

  /**
   * Revokes a token at once.
   *
   * @throws NotFoundException when there is no such token the caller manages
   */
  @Transactional
  public void revoke(Caller caller, UUID id) {
    Token token =
        jdbc.sql("SELECT * FROM api_tokens WHERE id = :id AND revoked_at IS NULL FOR UPDATE")
            .param("id", id)
            .query((rs, n) -> token(rs))
            .optional()
            .filter(t -> t.managedBy(caller))
            .orElseThrow(() -> new NotFoundException("token", id.toString()));
    Instant now = clock.instant();
    jdbc.sql("UPDATE api_tokens SET revoked_at = :now WHERE id = :id")
        .param("now", utc(now))
        .param("id", id)
        .update();
    events.append(
        Event.New.audit(
            "token.revoked", "token/" + id, "token '" + token.name() + "'", caller.actor(), now));
  }

  private Token token(ResultSet rs) throws SQLException {
    return new Token(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        json.readValue(rs.getString("grants"), GRANTS),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "expires_at"),
        instant(rs, "last_used_at"),
        instant(rs, "revoked_at"));
  }

  private static String describe(List<Grant> grants) {
    return grants.stream()
        .map(g -> (g.team() == null ? "" : g.team() + ":") + g.role().wire())
        .toList()
        .toString();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
