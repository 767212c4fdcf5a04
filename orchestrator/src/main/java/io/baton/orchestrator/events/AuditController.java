package io.baton.orchestrator.events;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/audit?actor=&type=&after=} (admins): who changed what. Every event carries the
 * authenticated actor that caused it; {@code actor=token:<id>} finds one token's changes, {@code
 * type=token.*} every token event.
 */
@RestController
class AuditController {

  private final EventLog events;

  AuditController(EventLog events) {
    this.events = events;
  }

  @GetMapping("/api/v1/audit")
  Page<Event> audit(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String actor,
      @RequestParam(required = false) String type,
      @RequestParam(defaultValue = "0") @Min(0) long after,
      @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit) {
    caller.mustBeAdmin();
    check("actor", actor);
    check("type", type);
    List<Event> items = events.audit(blankToNull(actor), blankToNull(type), after, limit);
    String next = items.size() < limit ? null : Long.toString(items.get(items.size() - 1).id());
    return new Page<>(items, next);
  }

  private static void check(String name, String value) {
    if (value != null && (value.length() > 300 || value.chars().anyMatch(c -> c < 0x20))) {
      throw BadRequestException.invalidParameter(
          name, "must be at most 300 characters without control characters");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
