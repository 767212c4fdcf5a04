package io.baton.orchestrator.ingest;

import io.baton.orchestrator.security.BearerTokens;
import io.baton.orchestrator.security.ForbiddenException;
import io.baton.orchestrator.security.NodeTokens;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/agents/reports}: a node agent's report, authenticated by the node's bearer
 * token. A report is applied once per (bootId, seq); a retry of an applied one is acknowledged and
 * ignored.
 */
@RestController
@RequestMapping("/api/v1/agents")
class IngestController {

  private final NodeTokens tokens;
  private final ReportBatcher batcher;
  private final IngestProperties properties;

  IngestController(NodeTokens tokens, ReportBatcher batcher, IngestProperties properties) {
    this.tokens = tokens;
    this.batcher = batcher;
    this.properties = properties;
  }

  /** What the agent hears back. */
  record Ack(String node, UUID bootId, long seq, boolean applied) {}

  @PostMapping(path = "/reports", consumes = MediaType.APPLICATION_JSON_VALUE)
  CompletableFuture<ResponseEntity<Ack>> report(
      @RequestHeader(name = "Authorization", required = false) String authorization,
      @RequestBody JsonNode body) {
    String node = tokens.authenticate(BearerTokens.fromHeader(authorization));
    AgentReport report = ReportParser.parse(body);
    if (!report.node().equals(node)) {
      throw new ForbiddenException(
          "This token belongs to node "
              + node
              + "; it cannot report for node "
              + report.node()
              + ".");
    }
    return batcher
        .submit(report)
        .orTimeout(properties.responseTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(
            applied ->
                ResponseEntity.ok(new Ack(report.node(), report.bootId(), report.seq(), applied)));
  }
}
