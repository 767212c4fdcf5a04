package io.baton.orchestrator.cluster.local;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fault injection into the simulated fleet (local backend only; on other backends the path does not
 * exist and answers 404).
 */
@RestController
@RequestMapping("/api/v1/simulation/faults")
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "local", matchIfMissing = true)
class FaultInjectionController {

  private final SimulatedAgents agents;
  private final EventLog events;
  private final Clock clock;

  FaultInjectionController(SimulatedAgents agents, EventLog events, Clock clock) {
    this.agents = agents;
    this.events = events;
    this.clock = clock;
  }

  /** A chip of a simulated node made to report {@code health} (e.g. FAULT) with {@code code}. */
  record Fault(
      @NotBlank @Size(max = 253) @Pattern(regexp = Text.LINE) String node,
      @NotNull @Min(0) Integer chip,
      @NotBlank @Size(max = 16) @Pattern(regexp = Text.LINE) String health,
      @Size(max = 64) @Pattern(regexp = Text.LINE) String code) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  Fault inject(@AuthenticationPrincipal Caller caller, @Valid @RequestBody Fault fault) {
    caller.mustBeAdmin();
    agents.inject(fault.node(), fault.chip(), fault.health(), fault.code());
    events.append(
        Event.New.audit(
            "fault.injected",
            "node/" + fault.node() + "/chips/" + fault.chip(),
            fault.health() + (fault.code() == null ? "" : " " + fault.code()),
            caller.actor(),
            clock.instant()));
    return fault;
  }

  /** Clears faults: {@code ?node=&chip=} narrows it to a node or one chip. */
  @DeleteMapping
  ResponseEntity<Void> clear(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) String node,
      @RequestParam(required = false) Integer chip) {
    caller.mustBeAdmin();
    agents.clear(node, chip);
    events.append(
        Event.New.audit(
            "fault.cleared",
            node == null ? "simulation" : "node/" + node + (chip == null ? "" : "/chips/" + chip),
            "faults cleared",
            caller.actor(),
            clock.instant()));
    return ResponseEntity.noContent().build();
  }
}
