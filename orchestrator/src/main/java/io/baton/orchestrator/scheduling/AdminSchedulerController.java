package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.security.Caller;
import java.time.Clock;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/admin/scheduler/rounds}: runs a scheduling round now (as the periodic tick
 * would) and says what it did — for operators, and for measuring the scheduler.
 */
@RestController
@RequestMapping("/api/v1/admin/scheduler")
class AdminSchedulerController {

  private final SchedulerTick tick;
  private final EventLog events;
  private final Clock clock;

  AdminSchedulerController(SchedulerTick tick, EventLog events, Clock clock) {
    this.tick = tick;
    this.events = events;
    this.clock = clock;
  }

  /** What a round did; {@code durationMs} covers planning and the commit. */
  record Round(int admitted, long durationMs) {}

  @PostMapping("/rounds")
  Round round(@AuthenticationPrincipal Caller caller) {
    caller.mustBeAdmin();
    long started = System.nanoTime();
    int admitted = tick.tick().size();
    events.append(
        Event.New.audit(
            "scheduler.round",
            "scheduler",
            "round run by hand: " + admitted + " admitted",
            caller.actor(),
            clock.instant()));
    return new Round(admitted, (System.nanoTime() - started) / 1_000_000);
  }
}
