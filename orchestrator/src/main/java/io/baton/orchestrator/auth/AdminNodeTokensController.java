package io.baton.orchestrator.auth;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.Pool;
import io.baton.orchestrator.pools.PoolCatalog;
import io.baton.orchestrator.problems.FieldViolation;
import io.baton.orchestrator.problems.ProblemException;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.security.NodeTokens;
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
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admin API: issue and revoke node agents' tokens. Needs the platform role admin. */
@RestController
@RequestMapping("/api/v1/admin")
class AdminNodeTokensController {

  private static final String NODE_NAME = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";

  private final NodeTokens tokens;
  private final EventLog events;
  private final NodeRepository nodes;
  private final PoolCatalog pools;
  private final Clock clock;

  AdminNodeTokensController(
      NodeTokens tokens, EventLog events, NodeRepository nodes, PoolCatalog pools, Clock clock) {
    this.tokens = tokens;
    this.events = events;
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
      @AuthenticationPrincipal Caller caller,
      @PathVariable @Pattern(regexp = NODE_NAME) @Size(max = 253) String name,
      @Valid @RequestBody IssueRequest request) {
    caller.mustBeAdmin();
    TokenResource issued = issue(name, pool(request.pool()), caller);
    return ResponseEntity.created(URI.create("/api/v1/nodes/" + name)).body(issued);
  }

  @PostMapping(path = "/node-tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  @Transactional
  Page<TokenResource> issueMany(
      @AuthenticationPrincipal Caller caller, @Valid @RequestBody BulkIssueRequest request) {
    caller.mustBeAdmin();
    Pool pool = pool(request.pool());
    List<TokenResource> issued = new ArrayList<>(request.nodes().size());
    for (String node : request.nodes()) {
      issued.add(issue(node, pool, caller));
    }
    return Page.last(issued);
  }

  @DeleteMapping("/nodes/{name}/tokens/{id}")
  ResponseEntity<Void> revoke(
      @AuthenticationPrincipal Caller caller, @PathVariable String name, @PathVariable UUID id) {
    caller.mustBeAdmin();
    tokens.revoke(name, id);
    events.append(
        Event.New.audit(
            "node-token.revoked", "node/" + name, "token " + id, caller.actor(), clock.instant()));
    return ResponseEntity.noContent().build();
  }

  private TokenResource issue(String node, Pool pool, Caller caller) {
    String registeredPool = nodes.register(node, pool.name(), pool.chipsPerNode(), clock.instant());
    if (!registeredPool.equals(pool.name())) {
      throw new NodeInOtherPool(node, registeredPool);
    }
    NodeTokens.Issued issued = tokens.issue(node);
    events.append(
        Event.New.audit(
            "node-token.issued",
            "node/" + node,
            "token " + issued.id() + " in pool " + pool.name(),
            caller.actor(),
            clock.instant()));
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
