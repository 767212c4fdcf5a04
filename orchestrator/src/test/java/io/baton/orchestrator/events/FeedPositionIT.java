package io.baton.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.support.IntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The feed's order is the transaction position's order as a number (xid8), found on the {@code
 * events_by_position} index. Each test works in one repeatable-read transaction that is rolled
 * back, so the shared database keeps its events and other tests never see these.
 */
class FeedPositionIT extends IntegrationTest {

  @Autowired EventLog events;
  @Autowired FeedPurge purge;
  @Autowired JdbcClient jdbc;
  @Autowired PlatformTransactionManager transactions;

  @Test
  void theHeadAndTheFeedOrderPositionsAcrossAPowerOfTenAsNumbers() {
    inRolledBackSnapshot(
        () -> {
          long xmin = snapshotXmin();
          // The largest power of ten of a finished transaction: the text order of 10^k - 1
          // ("99…9") is after 10^k ("10…0"), the numeric order before.
          long power = 1;
          while (power * 10 < xmin) {
            power *= 10;
          }
          assertThat(power).as("transactions of this server").isGreaterThanOrEqualTo(100);
          jdbc.sql("DELETE FROM events").update();
          // The later position gets the smaller id, so the event id cannot rescue a wrong order.
          long later = eventAt(power);
          long earlier = eventAt(power - 1);

          assertThat(events.head()).isEqualTo(new FeedPosition(power, later));
          assertThat(events.feed(FeedPosition.START, 10))
              .extracting(EventLog.Positioned::position)
              .containsExactly(
                  new FeedPosition(power - 1, earlier), new FeedPosition(power, later));
          assertThat(events.feed(new FeedPosition(power - 1, earlier), 10))
              .extracting(EventLog.Positioned::position)
              .containsExactly(new FeedPosition(power, later));
          assertThat(purge.oldest(1))
              .extracting(FeedPurge.Aged::position)
              .containsExactly(new FeedPosition(power - 1, earlier));
        });
  }

  @Test
  void theHeadIsOneStepAlongTheIndexAt250000EventsWhereTheTextOrderSortedTheTable() {
    inRolledBackSnapshot(
        () -> {
          long xmin = snapshotXmin();
          // Spread over the positions of finished transactions, as a long history would be.
          jdbc.sql(
                  """
                  INSERT INTO events (type, subject, actor, at, txid)
                  SELECT 'test.filler', 'test/' || g, 'test', now(),
                         CAST(CAST(g % (:finished) + 1 AS text) AS xid8)
                    FROM generate_series(1, 250000) g
                  """)
              .param("finished", xmin - 1)
              .update();
          jdbc.sql("ANALYZE events").update();

          List<String> plan = explain(EventLog.HEAD);
          List<String> textOrder =
              explain(
                  """
                  SELECT id, txid::text AS txid FROM events
                   WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
                   ORDER BY txid DESC, id DESC LIMIT 1
                  """);

          assertThat(plan)
              .as("plan of the head")
              .noneMatch(line -> line.contains("Sort"))
              .noneMatch(line -> line.contains("Seq Scan"))
              .anyMatch(line -> line.contains("Index") && line.contains("events_by_position"));
          assertThat(textOrder).as("plan of the text order").anyMatch(l -> l.contains("Sort"));
          long started = System.nanoTime();
          FeedPosition head = events.head();
          long micros = (System.nanoTime() - started) / 1000;
          System.out.printf(
              "feed head at 250,000 events: %s in %d µs; plan:%n  %s%n",
              head, micros, String.join("\n  ", plan));
          assertThat(head.txid()).isEqualTo(xmin - 1);
        });
  }

  private long snapshotXmin() {
    return Long.parseLong(
        jdbc.sql("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
            .query(String.class)
            .single());
  }

  private long eventAt(long txid) {
    return jdbc.sql(
            """
            INSERT INTO events (type, subject, actor, at, txid)
            VALUES ('test.position', 'test/' || :txid, 'test', now(), CAST(CAST(:txid AS text) AS xid8))
            RETURNING id
            """)
        .param("txid", txid)
        .query(Long.class)
        .single();
  }

  private List<String> explain(String query) {
    return jdbc.sql("EXPLAIN " + query).query((rs, n) -> rs.getString(1)).list();
  }

  private void inRolledBackSnapshot(Runnable body) {
    TransactionTemplate template = new TransactionTemplate(transactions);
    template.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    template.executeWithoutResult(
        status -> {
          try {
            body.run();
          } finally {
            status.setRollbackOnly();
          }
        });
  }
}
