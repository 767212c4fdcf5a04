package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.security.Action;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.security.ForbiddenException;
import io.baton.orchestrator.security.Grant;
import io.baton.orchestrator.web.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
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

/**
 * Webhook subscriptions, owned by a team whose maintainers manage them; a subscription hears only
 * its team's events (an admin's, without a team, hears everything). The signing secret is returned
 * once, by the request that creates the subscription.
 */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhooksController {

  private final WebhookService webhooks;

  WebhooksController(WebhookService webhooks) {
    this.webhooks = webhooks;
  }

  /** The creation response: the subscription plus its secret. */
  record CreatedResource(
      UUID id,
      String url,
      List<String> events,
      String description,
      String team,
      Instant createdAt,
      String secret) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<CreatedResource> create(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    WebhookService.Created created = webhooks.create(body, owner(caller, body), caller.actor());
    Webhook w = created.webhook();
    return ResponseEntity.created(URI.create("/api/v1/webhooks/" + w.id()))
        .body(
            new CreatedResource(
                w.id(),
                w.url(),
                w.events(),
                w.description(),
                w.team(),
                w.createdAt(),
                created.secret()));
  }

  /**
   * The owning team: the body's {@code team}, which the caller must maintain; without one, the one
   * team the caller maintains, or none for an admin (a subscription that hears everything).
   */
  private static String owner(Caller caller, JsonNode body) {
    JsonNode team = body == null || !body.isObject() ? null : body.get("team");
    if (team != null && team.isString()) {
      caller.mustBeAllowedIn(Action.MANAGE_WEBHOOKS, team.asString());
      return team.asString();
    }
    if (caller.isAdmin()) {
      return null;
    }
    List<String> maintained =
        caller.grants().stream()
            .filter(g -> g.role().includes(Action.MANAGE_WEBHOOKS.needs()))
            .map(Grant::team)
            .distinct()
            .toList();
    if (maintained.size() == 1) {
      return maintained.get(0);
    }
    if (maintained.isEmpty()) {
      throw new ForbiddenException("Managing webhooks needs the role maintainer in a team.");
    }
    throw BadRequestException.invalidParameter(
        "team", "you maintain several teams (" + maintained + "); name the one that owns it");
  }

  @GetMapping
  Page<Webhook> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    return webhooks.list(caller, limit, cursor);
  }

  @GetMapping("/{id}")
  Webhook get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    return webhooks.get(caller, id);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    webhooks.delete(caller, id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/deliveries")
  Page<Delivery> deliveries(
      @AuthenticationPrincipal Caller caller,
      @PathVariable UUID id,
      @RequestParam(required = false) DeliveryState state,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    return webhooks.deliveries(caller, id, state, limit, cursor);
  }
}
