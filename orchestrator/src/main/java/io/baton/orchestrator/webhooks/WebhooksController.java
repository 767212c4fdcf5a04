package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.web.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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
 * Webhook subscriptions. Like the jobs API, it needs no token until the API has identities; the
 * signing secret is returned once, by the request that creates the subscription.
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
  ResponseEntity<CreatedResource> create(@RequestBody JsonNode body) {
    WebhookService.Created created = webhooks.create(body, requestedTeam(body));
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
   * The owning team as the body names it. Until the API has identities the caller's word is all
   * there is; then the caller's own team is passed instead.
   */
  private static String requestedTeam(JsonNode body) {
    JsonNode team = body == null ? null : body.get("team");
    return team != null && team.isString() ? team.asString() : null;
  }

  @GetMapping
  Page<Webhook> list(
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    return webhooks.list(limit, cursor);
  }

  @GetMapping("/{id}")
  Webhook get(@PathVariable UUID id) {
    return webhooks.get(id);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable UUID id) {
    webhooks.delete(id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/deliveries")
  Page<Delivery> deliveries(
      @PathVariable UUID id,
      @RequestParam(required = false) DeliveryState state,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    return webhooks.deliveries(id, state, limit, cursor);
  }
}
