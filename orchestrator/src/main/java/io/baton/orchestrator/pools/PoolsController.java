package io.baton.orchestrator.pools;

import io.baton.orchestrator.web.Page;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/pools")
class PoolsController {

  private final PoolCatalog catalog;

  PoolsController(PoolCatalog catalog) {
    this.catalog = catalog;
  }

  @GetMapping
  Page<PoolResource> list() {
    return Page.last(catalog.all().stream().map(PoolResource::of).toList());
  }

  @GetMapping("/{name}")
  PoolResource get(@PathVariable String name) {
    return PoolResource.of(catalog.get(name));
  }

  /** A pool as the API shows it. */
  record PoolResource(
      String name,
      PoolRole role,
      String accelerator,
      String resourceName,
      Map<String, String> nodeLabels,
      String topologyLabel,
      int nodes,
      int chipsPerNode,
      Capacity capacity) {

    static PoolResource of(Pool pool) {
      return new PoolResource(
          pool.name(),
          pool.role(),
          pool.accelerator(),
          pool.resourceName(),
          pool.nodeLabels(),
          pool.topologyLabel(),
          pool.nodes(),
          pool.chipsPerNode(),
          new Capacity(pool.nodes(), pool.totalChips()));
    }
  }

  /** What the pool holds. */
  record Capacity(int nodes, int chipsTotal) {}
}
