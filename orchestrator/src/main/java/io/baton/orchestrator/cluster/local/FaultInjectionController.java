package io.baton.orchestrator.cluster.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
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
 * exist and answers 404): hard faults a chip's health shows (FAULT), and soft faults it does not
 * (SLOW, HANG, LINK_DOWN). Admin only; every injection and clearing is an audit event.
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

  /**
   * A fault injected into a chip of a simulated node.
   *
   * @param kind {@code FAULT} (the default): the chip reports {@code health} with {@code code};
   *     {@code SLOW}: ranks on it compute {@code factor} times slower; {@code HANG}: ranks on it
   *     stop making steps without exiting; {@code LINK_DOWN}: the chip's link is DOWN
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Fault(
      @NotBlank @Size(max = 253) @Pattern(regexp = Text.LINE) String node,
      @NotNull @Min(0) Integer chip,
      @Pattern(
              regexp = "FAULT|SLOW|HANG|LINK_DOWN",
              message = "one of FAULT, SLOW, HANG, LINK_DOWN")
          String kind,
      @DecimalMin(value = "1", inclusive = false) @DecimalMax("100") Double factor,
      @Size(max = 16) @Pattern(regexp = Text.LINE) String health,
      @Size(max = 64) @Pattern(regexp = Text.LINE) String code) {

    /** The kind, {@code FAULT} when the body has none (as before kinds existed). */
    String kindOrDefault() {
      return kind == null ? "FAULT" : kind;
    }

    /** What a body of its kind may not leave out or may not carry. */
    List<FieldViolation> violations() {
      List<FieldViolation> violations = new ArrayList<>();
      boolean fault = kindOrDefault().equals("FAULT");
      boolean slow = kindOrDefault().equals("SLOW");
      if (fault && (health == null || health.isBlank())) {
        violations.add(new FieldViolation("health", "required when kind is FAULT"));
      }
      if (slow && factor == null) {
        violations.add(new FieldViolation("factor", "required when kind is SLOW, e.g. 1.5"));
      }
      if (!slow && factor != null) {
        violations.add(new FieldViolation("factor", "only for kind SLOW"));
      }
      if (!fault && health != null) {
        violations.add(new FieldViolation("health", "only for kind FAULT"));
      }
      if (!fault && code != null) {
        violations.add(new FieldViolation("code", "only for kind FAULT"));
      }
      return violations;
    }

    Fault withKind() {
      return new Fault(node, chip, kindOrDefault(), factor, health, code);
    }
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  Fault inject(@AuthenticationPrincipal Caller caller, @Valid @RequestBody Fault fault) {
    caller.mustBeAdmin();
    List<FieldViolation> violations = fault.violations();
    if (!violations.isEmpty()) {
      throw new BadRequestException(
          "invalid-parameter",
          "Invalid parameter",
          violations.stream()
              .map(v -> v.field() + ": " + v.message())
              .collect(Collectors.joining("; ")),
          violations);
    }
    String reason;
    switch (fault.kindOrDefault()) {
      case "FAULT" -> {
        agents.inject(fault.node(), fault.chip(), fault.health(), fault.code());
        reason = fault.health() + (fault.code() == null ? "" : " " + fault.code());
      }
      case "SLOW" -> {
        agents.injectSoft(fault.node(), fault.chip(), SoftFaults.Kind.SLOW, fault.factor());
        reason = "SLOW x" + fault.factor();
      }
      default -> {
        agents.injectSoft(
            fault.node(), fault.chip(), SoftFaults.Kind.valueOf(fault.kindOrDefault()), 1);
        reason = fault.kindOrDefault();
      }
    }
    events.append(
        Event.New.audit(
            "fault.injected",
            "node/" + fault.node() + "/chips/" + fault.chip(),
            reason,
            caller.actor(),
            clock.instant()));
    return fault.withKind();
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
