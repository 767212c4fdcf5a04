package io.baton.orchestrator.promotion;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Page;
import io.baton.orchestrator.web.Text;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.MediaType;
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

/** Promotions: start one by hand, follow its gates, approve or reject it. */
@RestController
@RequestMapping("/api/v1/promotions")
class PromotionsController {

  private final PromotionService promotions;

  PromotionsController(PromotionService promotions) {
    this.promotions = promotions;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Promotion> start(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    Promotion p = promotions.start(caller, body);
    return ResponseEntity.created(URI.create("/api/v1/promotions/" + p.id())).body(p);
  }

  @GetMapping
  Page<Promotion> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) UUID jobId,
      @RequestParam(required = false) String endpoint,
      @RequestParam(required = false) PromotionState state,
      @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    return promotions.list(caller, jobId, endpoint, state, limit, cursor);
  }

  @GetMapping("/{id}")
  Promotion get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
    return promotions.get(caller, id);
  }

  /**
   * {@code {comment?}}: the AWAITING_APPROVAL gate passes; the rollout begins. The approver is the
   * caller; a {@code by} in the body is accepted for older clients and ignored.
   */
  @PostMapping("/{id}/approve")
  Promotion approve(
      @AuthenticationPrincipal Caller caller,
      @PathVariable UUID id,
      @RequestBody(required = false) JsonNode body) {
    field(body, "by", null);
    return promotions.decide(caller, id, true, field(body, "comment", null));
  }

  /** {@code {comment?}}: the AWAITING_APPROVAL gate fails; the promotion is REJECTED. */
  @PostMapping("/{id}/reject")
  Promotion reject(
      @AuthenticationPrincipal Caller caller,
      @PathVariable UUID id,
      @RequestBody(required = false) JsonNode body) {
    field(body, "by", null);
    return promotions.decide(caller, id, false, field(body, "comment", null));
  }

  private static String field(JsonNode body, String name, String fallback) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      return fallback;
    }
    if (!body.isObject()) {
      throw BadRequestException.invalidParameter("body", "must be a JSON object {by?, comment?}");
    }
    body.propertyNames()
        .forEach(
            n -> {
              if (!n.equals("by") && !n.equals("comment")) {
                throw BadRequestException.invalidParameter(n, "unknown field; use by, comment");
              }
            });
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isString() || value.asString().length() > 1024) {
      throw BadRequestException.invalidParameter(
          name, "must be a string of at most 1024 characters");
    }
    if (!Text.isProse(value.asString())) {
      throw BadRequestException.invalidParameter(
          name, "must not contain control characters other than tab and line breaks");
    }
    return value.asString();
  }
}
