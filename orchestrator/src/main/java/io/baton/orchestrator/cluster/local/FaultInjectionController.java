package io.baton.orchestrator.cluster.local;

import io.baton.orchestrator.web.Text;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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

  FaultInjectionController(SimulatedAgents agents) {
    this.agents = agents;
  }

  /** A chip of a simulated node made to report {@code health} (e.g. FAULT) with {@code code}. */
  record Fault(
      @NotBlank @Size(max = 253) @Pattern(regexp = Text.LINE) String node,
      @NotNull @Min(0) Integer chip,
      @NotBlank @Size(max = 16) @Pattern(regexp = Text.LINE) String health,
      @Size(max = 64) @Pattern(regexp = Text.LINE) String code) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  Fault inject(@Valid @RequestBody Fault fault) {
    agents.inject(fault.node(), fault.chip(), fault.health(), fault.code());
    return fault;
  }

  /** Clears faults: {@code ?node=&chip=} narrows it to a node or one chip. */
  @DeleteMapping
  ResponseEntity<Void> clear(
      @RequestParam(required = false) String node, @RequestParam(required = false) Integer chip) {
    agents.clear(node, chip);
    return ResponseEntity.noContent().build();
  }
}
