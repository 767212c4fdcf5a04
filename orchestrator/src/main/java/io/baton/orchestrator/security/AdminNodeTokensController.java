package io.baton.orchestrator.security;

import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import io.baton.orchestrator.web.Page;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admin API: issue and revoke node agents' tokens. Needs the admin token. */
@RestController
@RequestMapping("/api/v1/admin")
class AdminNodeTokensController {

  private static final String NODE_NAME = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";

  private final AdminToken admin;
  private final NodeTokens tokens;
  private final NodeRepository nodes;
  private final PoolCatalog pools;
  private final Clock clock;

  AdminNodeTokensController(
      AdminToken admin, NodeTokens tokens, NodeRepository nodes, PoolCatalog pools, Clock clock) {
    this.admin = admin;
    this.tokens = tokens;
    this.nodes = nodes;
    this.pools = pools;
    this.clock = clock;
  }

  /** Pool of the node (registered there if new). */
  record IssueRequest(@NotBlank String pool) {}

  /** Many nodes of one pool at once, e.g. when provisioning a rack. */
  record BulkIssueRequest(
      @NotBlank String pool,
      @NotEmpty @Size(max = 10000)
          List<@NotNull @Pattern(regexp = NODE_NAME) @Size(max = 253) String> nodes) {}

  /** A token, shown once. */
  record TokenResource(UUID id, String node, String pool, String token) {}

  @PostMapping(path = "/nodes/{name}/tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Transactional
  ResponseEntity<TokenResource> issue(
      @RequestHeader(name = "Authorization", required = false) String authorization,
      @PathVariable @Pattern(regexp = NODE_NAME) @Size(max = 253) String name,
      @Valid @RequestBody IssueRequest request) {
    admin.check(authorization);
    TokenResource issued = issue(name, pool(request.pool()));
    return ResponseEntity.created(URI.create("/api/v1/nodes/" + name)).body(issued);
  }

  @PostMapping(path = "/node-tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  @Transactional
  Page<TokenResource> issueMany(
      @RequestHeader(name = "Authorization", required = false) String authorization,
      @Valid @RequestBody BulkIssueRequest request) {
    admin.check(authorization);
    Pool pool = pool(request.pool());
    List<TokenResource> issued = new ArrayList<>(request.nodes().size());
    for (String node : request.nodes()) {
      issued.add(issue(node, pool));
    }
    return Page.last(issued);
  }

  @DeleteMapping("/nodes/{name}/tokens/{id}")
  ResponseEntity<Void> revoke(
      @RequestHeader(name = "Authorization", required = false) String authorization,
      @PathVariable String name,
      @PathVariable UUID id) {
    admin.check(authorization);
    tokens.revoke(name, id);
    return ResponseEntity.noContent().build();
  }

  private TokenResource issue(String node, Pool pool) {
    String registeredPool = nodes.register(node, pool.name(), pool.chipsPerNode(), clock.instant());
    if (!registeredPool.equals(pool.name())) {
      throw new NodeInOtherPool(node, registeredPool);
    }
    NodeTokens.Issued issued = tokens.issue(node);
    return new TokenResource(issued.id(), node, pool.name(), issued.token());
  }

  private Pool pool(String name) {
    return pools.find(name).orElseThrow(() -> new UnknownPool(name));
  }

  static final class UnknownPool extends ProblemException {
    UnknownPool(String pool) {
      super(
          422,
          "unknown-pool",
          "Unknown pool",
          "pool: no pool named '" + pool + "'",
          List.of(new FieldViolation("pool", "no pool named '" + pool + "'")));
    }
  }

  static final class NodeInOtherPool extends ProblemException {
    NodeInOtherPool(String node, String pool) {
      super(
          409,
          "node-in-other-pool",
          "Node belongs to another pool",
          "Node " + node + " is registered in pool " + pool + ".",
          List.of(new FieldViolation("pool", "node " + node + " is in pool " + pool)));
    }
  }
}
