package io.baton.orchestrator.endpoints;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.security.Action;
import io.baton.orchestrator.security.Caller;
import io.baton.schemas.BatonSchemas;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
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

  EndpointsController(Endpoints endpoints, EndpointProperties properties) {
    this.endpoints = endpoints;
    this.properties = properties;
  }

  record EndpointList(List<Endpoint> items) {}

  @GetMapping
  EndpointList list(@AuthenticationPrincipal Caller caller) {
    return new EndpointList(endpoints.list(caller.visibleTeams()));
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

  record RevisionList(String endpoint, List<Revision> items) {}

  @GetMapping("/{name}/revisions")
  RevisionList revisions(@AuthenticationPrincipal Caller caller, @PathVariable String name) {
    visible(caller, name);
    return new RevisionList(name, endpoints.revisions(name));
  }

  record RolloutList(String endpoint, List<Rollout> items) {}

  @GetMapping("/{name}/rollouts")
  RolloutList rollouts(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String name,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
    visible(caller, name);
    return new RolloutList(name, endpoints.rollouts(name, limit));
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
