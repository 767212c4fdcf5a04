package io.baton.orchestrator.pools;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.baton.orchestrator.faults.FaultRule;
import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/pools")
class PoolsController {

  private final PoolCatalog catalog;
  private final NodeRepository nodes;
  private final Cursors cursors;

  PoolsController(PoolCatalog catalog, NodeRepository nodes, Cursors cursors) {
    this.catalog = catalog;
    this.nodes = nodes;
    this.cursors = cursors;
  }

  /** Pools in configuration order, a page at a time. */
  @GetMapping
  Page<PoolResource> list(
      @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    String scope = "pools";
    List<Pool> all = List.copyOf(catalog.all());
    int from = 0;
    if (cursor != null) {
      String after = cursors.decode(scope, cursor, 1).get(0);
      from = 1 + all.stream().map(Pool::name).toList().indexOf(after);
      if (from == 0) {
        throw BadRequestException.invalidParameter(
            "cursor", "pool '" + after + "' is no longer configured; list from the start");
      }
    }
    List<PoolResource> items =
        all.subList(from, Math.min(all.size(), from + limit)).stream().map(this::resource).toList();
    String next =
        from + limit < all.size()
            ? cursors.encode(scope, List.of(items.get(items.size() - 1).name()))
            : null;
    return new Page<>(items, next);
  }

  @GetMapping("/{name}")
  PoolResource get(@PathVariable String name) {
    return resource(catalog.get(name));
  }

  private PoolResource resource(Pool pool) {
    return PoolResource.of(pool, nodes.capacity(pool.name()));
  }

  /**
   * A pool as the API shows it: what it is, what its nodes hold, and its soft-fault settings (hang
   * timeouts, straggler policy, isolation cooldown and its own fault policy rows, which replace the
   * default rows for their signals; docs/fault-policy.md lists the defaults).
   */
  record PoolResource(
      String name,
      PoolRole role,
      String accelerator,
      String resourceName,
      Map<String, String> nodeLabels,
      String topologyLabel,
      int nodes,
      int chipsPerNode,
      PoolCapacity capacity,
      Duration hangTimeoutFloor,
      Duration startupTimeout,
      String stragglerPolicy,
      double stragglerFactor,
      int stragglerWindow,
      Duration reputationHalfLife,
      double reputationThreshold,
      Duration isolationCooldown,
      List<FaultRuleResource> faultPolicy) {

    static PoolResource of(Pool pool, PoolCapacity capacity) {
      return new PoolResource(
          pool.name(),
          pool.role(),
          pool.accelerator(),
          pool.resourceName(),
          pool.nodeLabels(),
          pool.topologyLabel(),
          pool.nodes(),
          pool.chipsPerNode(),
          capacity,
          pool.hangTimeoutFloor(),
          pool.startupTimeout(),
          pool.stragglerPolicy().wire(),
          pool.stragglerFactor(),
          pool.stragglerWindow(),
          pool.reputationHalfLife(),
          pool.reputationThreshold(),
          pool.isolationCooldown(),
          pool.faultPolicy().stream().map(FaultRuleResource::of).toList());
    }
  }

  /** A fault policy row as configured: actions as they are written ({@code isolate-node}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record FaultRuleResource(
      String signal,
      String action,
      Integer escalateAfter,
      Duration escalateWithin,
      String escalateTo) {

    static FaultRuleResource of(FaultRule rule) {
      return new FaultRuleResource(
          rule.signal(),
          rule.action().wire(),
          rule.escalateAfter(),
          rule.escalateWithin(),
          rule.escalates() ? rule.escalateTo().wire() : null);
    }
  }
}
