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
  private final NodeRepository nodes;

  PoolsController(PoolCatalog catalog, NodeRepository nodes) {
    this.catalog = catalog;
    this.nodes = nodes;
  }

  @GetMapping
  Page<PoolResource> list() {
    return Page.last(catalog.all().stream().map(this::resource).toList());
  }

  @GetMapping("/{name}")
  PoolResource get(@PathVariable String name) {
    return resource(catalog.get(name));
  }

  private PoolResource resource(Pool pool) {
    return PoolResource.of(pool, nodes.capacity(pool.name()));
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
      PoolCapacity capacity) {

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
          capacity);
    }
  }
}
