package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.security.Action;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import io.baton.schemas.BatonSchemas;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Endpoints: what serves, which revisions served when, rollouts and rollbacks. */
@RestController
@RequestMapping("/api/v1/endpoints")
class EndpointsController {

  private final Endpoints endpoints;
  private final EndpointProperties properties;
  private final Cursors cursors;

  EndpointsController(Endpoints endpoints, EndpointProperties properties, Cursors cursors) {
    this.endpoints = endpoints;
    this.properties = properties;
    this.cursors = cursors;
  }

  /** Endpoints by name, a page at a time. */
  @GetMapping
  Page<Endpoint> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    String scope = "endpoints";
    String after = cursor == null ? null : cursors.decode(scope, cursor, 1).get(0);
    List<Endpoint> page = endpoints.list(after, caller.visibleTeams(), limit + 1);
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Endpoint> items = List.copyOf(page.subList(0, limit));
    return new Page<>(items, cursors.encode(scope, List.of(items.get(limit - 1).name())));
  }

  @GetMapping("/{name}")
  Endpoint get(@AuthenticationPrincipal Caller caller, @PathVariable String name) {
    visible(caller, name);
    return endpoints.get(name);
  }

  /** The endpoint exists for the caller: 404 otherwise, as for one that does not exist. */
  private void visible(Caller caller, String name) {
    caller.mustSee(endpoints.owner(name).orElse(null), () -> new EndpointNotFoundException(name));
  }

  /** A page of an endpoint's revisions or rollouts; the endpoint's name comes along. */
  record EndpointPage<T>(String endpoint, List<T> items, String nextCursor) {}

  /** Revisions newest first. */
  @GetMapping("/{name}/revisions")
  EndpointPage<Revision> revisions(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String name,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    visible(caller, name);
    String scope = "endpoint-revisions|" + name;
    Integer before =
        cursor == null ? null : Integer.valueOf(cursors.decode(scope, cursor, 1).get(0));
    List<Revision> page = endpoints.revisions(name, before, limit + 1);
    if (page.size() <= limit) {
      return new EndpointPage<>(name, page, null);
    }
    List<Revision> items = List.copyOf(page.subList(0, limit));
    String next = cursors.encode(scope, List.of(Integer.toString(items.get(limit - 1).revision())));
    return new EndpointPage<>(name, items, next);
  }

  /** Rollouts newest first. */
  @GetMapping("/{name}/rollouts")
  EndpointPage<Rollout> rollouts(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String name,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    visible(caller, name);
    String scope = "endpoint-rollouts|" + name;
    Instant beforeTime = null;
    UUID beforeId = null;
    if (cursor != null) {
      List<String> position = cursors.decode(scope, cursor, 2);
      beforeTime = Instant.parse(position.get(0));
      beforeId = UUID.fromString(position.get(1));
    }
    List<Rollout> page = endpoints.rollouts(name, beforeTime, beforeId, limit + 1);
    if (page.size() <= limit) {
      return new EndpointPage<>(name, page, null);
    }
    List<Rollout> items = List.copyOf(page.subList(0, limit));
    Rollout last = items.get(limit - 1);
    String next = cursors.encode(scope, List.of(last.createdAt().toString(), last.id().toString()));
    return new EndpointPage<>(name, items, next);
  }

  @GetMapping("/{name}/rollouts/{id}")
  Rollout rollout(
      @AuthenticationPrincipal Caller caller, @PathVariable String name, @PathVariable UUID id) {
    visible(caller, name);
    return endpoints.rollout(name, id);
  }

  /** {@code {revision?, reason?}}: 202 with the rollout that takes the endpoint back. */
  @PostMapping("/{name}/rollback")
  ResponseEntity<Rollout> rollback(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String name,
      @RequestBody(required = false) JsonNode body) {
    caller.mustBeAllowed(
        Action.MANAGE_ENDPOINT,
        endpoints.owner(name).orElse(null),
        () -> new EndpointNotFoundException(name));
    JsonNode request =
        body == null || body.isNull()
            ? tools.jackson.databind.node.JsonNodeFactory.instance.objectNode()
            : body;
    List<FieldViolation> violations =
        BatonSchemas.validate(BatonSchemas.ROLLBACK_REQUEST, request).stream()
            .map(v -> new FieldViolation(v.field(), v.message()))
            .toList();
    if (!violations.isEmpty()) {
      throw new BadRequestException(
          "invalid-rollback",
          "Invalid rollback request",
          "The rollback request is not valid.",
          violations);
    }
    Integer revision = request.has("revision") ? request.get("revision").asInt() : null;
    String reason = request.has("reason") ? request.get("reason").asString() : null;
    endpoints.get(name);
    Rollout rollout =
        endpoints.rollback(
            name,
            revision,
            reason,
            new Endpoints.RolloutPolicy(
                properties.readinessTimeout(), Parity.DEFAULT_ABS, Parity.DEFAULT_REL),
            caller.actor());
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/endpoints/" + name + "/rollouts/" + rollout.id()))
        .body(rollout);
  }
}
