package io.baton.orchestrator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.IntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The webhook sender runs on every replica (it is not owned by the lease holder): shown safe here —
 * senders claiming at once never claim the same delivery.
 */
class DeliveryClaimsIT extends IntegrationTest {

  /** Due far in the future, so the context's own sender (on today's clock) leaves them alone. */
  private static final Instant DUE = Instant.parse("2100-01-01T00:00:00Z");

  @Autowired DeliveryRepository deliveries;
  @Autowired JdbcClient jdbc;

  private final UUID webhook = UUID.randomUUID();

  @AfterEach
  void delete() {
    jdbc.sql("DELETE FROM webhooks WHERE id = :id").param("id", webhook).update();
  }

  @Test
  void sendersOfSeveralReplicasClaimingAtOnceNeverClaimTheSameDelivery() throws Exception {
    jdbc.sql(
            "INSERT INTO webhooks (id, url, events, secret, created_at, team)"
                + " VALUES (:id, 'https://example.invalid/hook', '{}', 'plain:s', now(),"
                + " 'claims-it')")
        .param("id", webhook)
        .update();
    int total = 300;
    for (int i = 0; i < total; i++) {
      jdbc.sql(
              "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, body, state,"
                  + " next_attempt_at, created_at)"
                  + " VALUES (:id, :webhook, :event, 'job.state', '{}', 'PENDING', :due, now())")
          .param("id", UUID.randomUUID())
          .param("webhook", webhook)
          .param("event", i)
          .param("due", java.time.OffsetDateTime.ofInstant(DUE, java.time.ZoneOffset.UTC))
          .update();
    }

    int senders = 4;
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<UUID>>> claimed = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      Callable<List<UUID>> sender =
          () -> {
            go.await();
            List<UUID> mine = new ArrayList<>();
            Instant now = DUE.plusSeconds(60);
            while (true) {
              List<DeliveryRepository.Claimed> batch =
                  deliveries.claim(UUID.randomUUID(), now, now.plusSeconds(3600), 7);
              if (batch.isEmpty()) {
                return mine;
              }
              batch.forEach(c -> mine.add(c.id()));
            }
          };
      claimed.add(pool.submit(sender));
    }
    go.countDown();
    List<UUID> all = new ArrayList<>();
    for (Future<List<UUID>> f : claimed) {
      all.addAll(f.get());
    }
    pool.shutdown();

    assertThat(all).hasSize(total).doesNotHaveDuplicates();
  }
}
