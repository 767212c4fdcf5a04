package io.baton.orchestrator.pools;

import io.baton.orchestrator.problems.NotFoundException;
import io.baton.orchestrator.web.Cursors;
import io.baton.orchestrator.web.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@RestController
@RequestMapping("/api/v1/nodes")
class NodesController {

  private final NodeRepository nodes;
  private final Cursors cursors;

  NodesController(NodeRepository nodes, Cursors cursors) {
    this.nodes = nodes;
    this.cursors = cursors;
  }

  @GetMapping
  Page<NodeResource> list(
      @RequestParam(required = false) String pool,
      @RequestParam(required = false) ChipHealth health,
      @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit,
      @RequestParam(required = false) String cursor) {
    String scope = "nodes|" + pool + "|" + health;
    String after = cursor == null ? null : cursors.decode(scope, cursor, 1).get(0);
    List<Node> page = nodes.page(pool, health, after, limit + 1);
    List<NodeResource> items = page.stream().limit(limit).map(NodeResource::of).toList();
    String next =
        page.size() > limit ? cursors.encode(scope, List.of(items.get(limit - 1).name())) : null;
    return new Page<>(items, next);
  }

  @GetMapping("/{name}")
  NodeResource get(@PathVariable String name) {
    return nodes
        .find(name)
        .map(NodeResource::of)
        .orElseThrow(() -> new NotFoundException("node", "name", name));
  }

  /**
   * A node as the API shows it. {@code health} of the node and of each chip is the normalized one
   * Baton schedules by (UNKNOWN for every chip of a LOST node); each chip also carries the raw
   * vendor fields of the last report.
   */
  record NodeResource(
      String name,
      String pool,
      NodeState state,
      ChipHealth health,
      String vendor,
      UUID bootId,
      long lastSeq,
      Instant lastReportAt,
      long malformedLines,
      ChipCounts chipCounts,
      List<JsonNode> chips) {

    static NodeResource of(Node node) {
      ChipHealthSummary summary = node.chipHealth();
      List<JsonNode> chips = new ArrayList<>(summary.size());
      for (int i = 0; i < summary.size(); i++) {
        JsonNode raw = node.chips().path(i);
        ObjectNode chip =
            raw.isObject() ? ((ObjectNode) raw).deepCopy() : JsonNodeFactory.instance.objectNode();
        if (!chip.has("index")) {
          chip.put("index", node.chipIndexes().get(i));
        }
        if (raw.has("health")) {
          chip.put("reportedHealth", raw.get("health").asString());
        }
        chip.put("health", summary.get(i).name());
        chips.add(chip);
      }
      return new NodeResource(
          node.name(),
          node.pool(),
          node.state(),
          node.health(),
          node.vendor(),
          node.bootId(),
          node.lastSeq(),
          node.lastReportAt(),
          node.malformedLines(),
          new ChipCounts(
              summary.size(),
              summary.count(ChipHealth.OK),
              summary.count(ChipHealth.WARNING),
              summary.count(ChipHealth.FAULT),
              summary.count(ChipHealth.UNKNOWN)),
          chips);
    }
  }

  /** Chips of a node by normalized health. */
  record ChipCounts(int total, int ok, int warning, int fault, int unknown) {}
}
