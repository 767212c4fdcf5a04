package io.baton.orchestrator.scheduling;

import io.baton.orchestrator.security.AdminToken;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/admin/scheduler/rounds}: runs a scheduling round now (as the periodic tick
 * would) and says what it did — for operators, and for measuring the scheduler.
 */
@RestController
@RequestMapping("/api/v1/admin/scheduler")
class AdminSchedulerController {

  private final AdminToken admin;
  private final SchedulerTick tick;

  AdminSchedulerController(AdminToken admin, SchedulerTick tick) {
    this.admin = admin;
    this.tick = tick;
  }

  /** What a round did; {@code durationMs} covers planning and the commit. */
  record Round(int admitted, long durationMs) {}

  @PostMapping("/rounds")
  Round round(@RequestHeader(name = "Authorization", required = false) String authorization) {
    admin.check(authorization);
    long started = System.nanoTime();
    int admitted = tick.tick().size();
    return new Round(admitted, (System.nanoTime() - started) / 1_000_000);
  }
}
