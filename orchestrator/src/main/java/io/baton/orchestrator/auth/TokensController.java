package io.baton.orchestrator.auth;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.security.Grant;
import io.baton.orchestrator.security.Role;
import io.baton.orchestrator.web.Page;
import io.baton.schemas.BatonSchemas;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** API tokens: issue (the secret is shown once), list, revoke. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokensController {

  /** The latest expiry a token may have: the database's timestamps end in year 9999. */
  private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T00:00:00Z");

  private final ApiTokens tokens;
  private final Clock clock;

  TokensController(ApiTokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** The creation response: the token plus its secret, {@code token}, shown this once. */
  record IssuedResource(
      UUID id,
      String name,
      List<Grant> grants,
      Instant createdAt,
      String createdBy,
      Instant expiresAt,
      String token) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<IssuedResource> issue(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    List<FieldViolation> violations =
        BatonSchemas.validate(BatonSchemas.TOKEN_REQUEST, body).stream()
            .map(v -> new FieldViolation(v.field(), v.message()))
            .toList();
    if (!violations.isEmpty()) {
      throw new BadRequestException(
          "invalid-token-request",
          "Invalid token request",
          "The token request is not valid.",
          violations);
    }
    List<Grant> grants = new ArrayList<>();
    for (JsonNode grant : body.get("grants")) {
      Role role = Role.parse(grant.get("role").asString());
      JsonNode team = grant.get("team");
      if (role != Role.ADMIN && team == null) {
        throw BadRequestException.invalidParameter(
            "grants", "a " + role.wire() + " grant needs a team");
      }
      grants.add(new Grant(team == null ? null : team.asString(), role));
    }
    Instant expiresAt = body.has("expiresAt") ? expiry(body.get("expiresAt").asString()) : null;
    ApiTokens.Issued issued = tokens.issue(caller, body.get("name").asString(), grants, expiresAt);
    ApiTokens.Token t = issued.token();
    return ResponseEntity.created(URI.create("/api/v1/tokens/" + t.id()))
        .body(
            new IssuedResource(
                t.id(),
                t.name(),
                t.grants(),
                t.createdAt(),
                t.createdBy(),
                t.expiresAt(),
                issued.secret()));
  }

  @GetMapping
  Page<ApiTokens.Token> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    return tokens.list(caller, limit, cursor);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> revoke(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    tokens.revoke(caller, id);
    return ResponseEntity.noContent().build();
  }

  private Instant expiry(String value) {
    Instant at;
    try {
      at = Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw BadRequestException.invalidParameter(
          "expiresAt", "'" + value + "' is not an RFC 3339 instant such as 2027-01-31T00:00:00Z");
    }
    if (!at.isAfter(clock.instant())) {
      throw new ExpiryInPast(value);
    }
    if (at.isAfter(LATEST_EXPIRY)) {
      throw BadRequestException.invalidParameter(
          "expiresAt",
          "must be before " + LATEST_EXPIRY + "; omit it for a token that never expires");
    }
    return at;
  }

  static final class ExpiryInPast extends ProblemException {
    ExpiryInPast(String value) {
      super(
          422,
          "invalid-token-request",
          "Invalid token request",
          "expiresAt: " + value + " has passed",
          List.of(new FieldViolation("expiresAt", "has passed")));
    }
  }
}
