package io.baton.orchestrator.isolation;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.security.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/admin/isolations}: the chips and nodes the fault policy isolated, and an
 * operator's hold that keeps one isolated past its cooldown. {@code {chip}} is the chip's index, or
 * {@code node} for a whole node. Admin only; holding and lifting a hold are audit events.
 */
@RestController
@RequestMapping("/api/v1/admin/isolations")
class AdminIsolationsController {

  private final Isolations isolations;
  private final EventLog events;
  private final Clock clock;

  AdminIsolationsController(Isolations isolations, EventLog events, Clock clock) {
    this.isolations = isolations;
    this.events = events;
    this.clock = clock;
  }

  /** One isolation as the API shows it; {@code chip} is null for a whole node. */
  record View(
      String node,
      Integer chip,
      String pool,
      String reason,
      Instant isolatedAt,
      Instant healthySince,
      boolean held) {

    static View of(Isolations.Isolation i) {
      return new View(
          i.node(),
          i.chip() == Isolations.NODE ? null : i.chip(),
          i.pool(),
          i.reason(),
          i.isolatedAt(),
          i.healthySince(),
          i.held());
    }
  }

  record Page(List<View> items) {}

  @GetMapping
  Page list(@AuthenticationPrincipal Caller caller) {
    caller.mustBeAdmin();
    return new Page(isolations.all().stream().map(View::of).toList());
  }

  @PutMapping("/{node}/{chip}/hold")
  View hold(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String node,
      @PathVariable String chip) {
    return setHold(caller, node, chip, true);
  }

  @DeleteMapping("/{node}/{chip}/hold")
  View unhold(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String node,
      @PathVariable String chip) {
    return setHold(caller, node, chip, false);
  }

  private View setHold(Caller caller, String node, String chip, boolean held) {
    caller.mustBeAdmin();
    int index = chipIndex(node, chip);
    if (!isolations.hold(node, index, held)) {
      throw new IsolationNotFoundException(node + "/" + chip);
    }
    Isolations.Isolation isolation =
        isolations
            .find(node, index)
            .orElseThrow(() -> new IsolationNotFoundException(node + "/" + chip));
    events.append(
        Event.New.audit(
            held ? "isolation.held" : "isolation.unheld",
            isolation.subject(),
            held ? "held isolated by an operator" : "hold lifted; released after the cooldown",
            caller.actor(),
            clock.instant()));
    return View.of(isolation);
  }

  private static int chipIndex(String node, String chip) {
    if (chip.equals("node")) {
      return Isolations.NODE;
    }
    try {
      int index = Integer.parseInt(chip);
      if (index >= 0) {
        return index;
      }
    } catch (NumberFormatException notANumber) {
      // below
    }
    throw new IsolationNotFoundException(node + "/" + chip);
  }
}
