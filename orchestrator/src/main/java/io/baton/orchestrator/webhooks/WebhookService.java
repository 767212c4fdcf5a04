package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.NotFoundException;
import io.baton.orchestrator.security.Action;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import io.baton.schemas.BatonSchemas;
import io.baton.schemas.Violation;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/** Creating, reading and deleting webhook subscriptions, and reading their deliveries. */
@Service
class WebhookService {

  private static final String SCHEMA = "webhook-subscription";
  private static final String LIST_SCOPE = "webhooks";

  private final WebhookRepository webhooks;
  private final DeliveryRepository deliveries;
  private final WebhookEgress egress;
  private final WebhookSecrets secrets;
  private final WebhooksProperties properties;
  private final Cursors cursors;
  private final Clock clock;
  private final EventLog events;
  private final SecureRandom random = new SecureRandom();

  WebhookService(
      WebhookRepository webhooks,
      DeliveryRepository deliveries,
      WebhookEgress egress,
      WebhookSecrets secrets,
      WebhooksProperties properties,
      Cursors cursors,
      Clock clock,
      EventLog events) {
    this.events = events;
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.egress = egress;
    this.secrets = secrets;
    this.properties = properties;
    this.cursors = cursors;
    this.clock = clock;
  }

  /** A new subscription with its signing secret, which is shown this once. */
  public record Created(Webhook webhook, String secret) {}

  /**
   * Subscribes a URL to the matching events of transactions that commit from now on: all events
   * when {@code owner} is null, else only the events of that team.
   *
   * @param owner the owning team, or null for a subscription of an administrator; it is the
   *     caller's word, not the body's {@code team}, that decides
   * @throws InvalidWebhookException when the body breaks the subscription schema (400)
   * @throws RefusedWebhookUrlException when the URL is plain HTTP or its host resolves to an
   *     address webhooks may not reach (422)
   * @throws WebhookLimitException when the owning team already holds {@code
   *     baton.webhooks.max-per-team} subscriptions (409); administrators' subscriptions have no cap
   */
  @Transactional
  public Created create(JsonNode body, String owner, String actor) {
    List<FieldViolation> violations = violations(body);
    if (!violations.isEmpty()) {
      throw new InvalidWebhookException(violations);
    }
    String url = body.get("url").asString();
    Optional<String> refusal = egress.refusal(URI.create(url));
    if (refusal.isPresent()) {
      throw new RefusedWebhookUrlException(refusal.get());
    }
    if (owner != null && webhooks.lockAndCountOwned(owner) >= properties.maxPerTeam()) {
      throw new WebhookLimitException(owner, properties.maxPerTeam());
    }
    String secret = body.has("secret") ? body.get("secret").asString() : newSecret();
    List<String> patterns = new ArrayList<>(new LinkedHashSet<>(strings(body.get("events"))));
    Webhook webhook =
        new Webhook(
            UUID.randomUUID(),
            url,
            List.copyOf(patterns),
            body.has("description") ? body.get("description").asString() : null,
            owner,
            clock.instant());
    webhooks.holdCursor();
    webhooks.insert(webhook, secrets.seal(webhook.id(), secret));
    events.append(
        new Event.New(
            "webhook.created",
            "webhook/" + webhook.id(),
            null,
            null,
            null,
            // Not the URL: for many receivers the URL is itself the secret.
            "events " + patterns,
            actor,
            webhook.createdAt(),
            owner));
    return new Created(webhooks.find(webhook.id()).orElseThrow(), secret);
  }

  public Webhook get(UUID id) {
    return webhooks.find(id).orElseThrow(() -> new NotFoundException("webhook", id.toString()));
  }

  /** A subscription the caller may see: of one of its teams (an admin's only to admins). */
  public Webhook get(Caller caller, UUID id) {
    Webhook webhook = get(id);
    caller.mustSee(webhook.team(), () -> new NotFoundException("webhook", id.toString()));
    return webhook;
  }

  /** The subscriptions the caller may see, oldest first. */
  public Page<Webhook> list(Caller caller, int limit, String cursor) {
    Optional<WebhookRepository.Position> after =
        Optional.ofNullable(cursor)
            .map(c -> cursors.decode(LIST_SCOPE, c, 2))
            .map(
                p ->
                    new WebhookRepository.Position(
                        Instant.parse(p.get(0)), UUID.fromString(p.get(1))));
    List<Webhook> page = webhooks.page(after, caller.visibleTeams(), limit + 1);
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Webhook> items = List.copyOf(page.subList(0, limit));
    Webhook last = items.get(limit - 1);
    return new Page<>(
        items,
        cursors.encode(LIST_SCOPE, List.of(last.createdAt().toString(), last.id().toString())));
  }

  /**
   * Deletes a subscription and its deliveries; pending ones are never sent.
   *
   * @throws NotFoundException when there is no such subscription (404)
   */
  @Transactional
  public void delete(Caller caller, UUID id) {
    Webhook webhook = get(id);
    caller.mustBeAllowed(
        Action.MANAGE_WEBHOOKS,
        webhook.team(),
        () -> new NotFoundException("webhook", id.toString()));
    if (!webhooks.delete(id)) {
      throw new NotFoundException("webhook", id.toString());
    }
    events.append(
        new Event.New(
            "webhook.deleted",
            "webhook/" + id,
            null,
            null,
            null,
            "events " + webhook.events(),
            caller.actor(),
            clock.instant(),
            webhook.team()));
  }

  /** A subscription's deliveries, newest event first, optionally in one state. */
  public Page<Delivery> deliveries(
      Caller caller, UUID id, DeliveryState state, int limit, String cursor) {
    get(caller, id);
    String scope = "webhook-deliveries|" + id + "|" + (state == null ? "" : state.name());
    OptionalLong before =
        cursor == null
            ? OptionalLong.empty()
            : OptionalLong.of(Long.parseLong(cursors.decode(scope, cursor, 1).get(0)));
    List<Delivery> page = deliveries.page(id, state, before, limit + 1);
    if (page.size() <= limit) {
      return Page.last(page);
    }
    List<Delivery> items = List.copyOf(page.subList(0, limit));
    return new Page<>(
        items, cursors.encode(scope, List.of(Long.toString(items.get(limit - 1).eventId()))));
  }

  private static List<FieldViolation> violations(JsonNode body) {
    List<FieldViolation> violations = new ArrayList<>();
    for (Violation v : BatonSchemas.validate(SCHEMA, body)) {
      violations.add(new FieldViolation(v.field(), message(v)));
    }
    if (violations.isEmpty()) {
      urlProblem(body.get("url").asString())
          .ifPresent(m -> violations.add(new FieldViolation("url", m)));
    }
    return violations;
  }

  /** Readable words for the schema's regular expressions. */
  private static String message(Violation v) {
    if (!"pattern".equals(v.keyword())) {
      return v.message();
    }
    if (v.field().equals("url")) {
      return "must be an absolute http:// or https:// URL";
    }
    if (v.field().startsWith("events[")) {
      return "must be an event type (job.state), a prefix wildcard (job.*) or *";
    }
    if (v.field().equals("team")) {
      return "must be a team name: lower-case letters, digits and '-'";
    }
    if (v.field().equals("secret")) {
      return "must be printable ASCII without spaces";
    }
    return v.message();
  }

  private static Optional<String> urlProblem(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        return Optional.of("must name a host");
      }
      return Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URL: " + e.getReason());
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asString()));
    return values;
  }

  private String newSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
