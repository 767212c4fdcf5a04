package io.baton.orchestrator.pools;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.support.IntegrationTest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A node's silence counts from the moment the orchestrator listens at the earliest: a node whose
 * last report is long past is not LOST until the timeout has passed since then. Runs an hour ahead
 * (so the context's own sweeper leaves the node alone) in a transaction rolled back at the end (so
 * the other nodes of the shared database, which this sweep finds silent too, stay as they were).
 */
class NodeLivenessIT extends IntegrationTest {

  @Autowired NodeRepository nodes;
  @Autowired EventLog events;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transactions;

  @Test
  void aNodeSilentWhileNoOrchestratorRanIsLostOnlyATimeoutAfterTheOrchestratorListens() {
    transactions.executeWithoutResult(
        status -> {
          sweepsAfterARestart();
          status.setRollbackOnly();
        });
  }

  private void sweepsAfterARestart() {
    Instant start = Instant.now().plus(Duration.ofHours(1));
    String node = "restarted-" + UUID.randomUUID();
    nodes.register(node, "ascend-910b", 8, start.minus(Duration.ofHours(1)));
    jdbc.update(
        "UPDATE nodes SET state = 'READY', last_report_at = ? WHERE name = ?",
        Timestamp.from(start.minus(Duration.ofHours(1))),
        node);
    MovingClock clock = new MovingClock(start);
    NodeLiveness liveness =
        new NodeLiveness(
            nodes,
            events,
            new NodesProperties(
                Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(1)),
            clock);

    assertThat(liveness.sweep()).as("not listening yet").doesNotContain(node);
    liveness.listening();
    clock.now = start.plusSeconds(14);
    assertThat(liveness.sweep()).as("within the timeout of the start").doesNotContain(node);
    clock.now = start.plusSeconds(16);
    assertThat(liveness.sweep()).contains(node);
    assertThat(nodes.find(node).orElseThrow().state()).isEqualTo(NodeState.LOST);
  }

  private static final class MovingClock extends Clock {
    volatile Instant now;

    MovingClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
