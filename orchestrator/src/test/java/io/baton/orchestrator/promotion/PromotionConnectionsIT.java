package io.baton.orchestrator.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.baton.orchestrator.support.DrivenIntegrationTest;
import io.baton.orchestrator.support.Rows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Promotion drives hold no pooled connection while a gate is slow: each drive's claim is a row's
 * columns, not a session lock on a connection of its own. As many promotions as the pool has
 * connections all wait in a slow gate at once, and the pool still has connections to spare.
 */
class PromotionConnectionsIT extends DrivenIntegrationTest {

  @Autowired DataSource dataSource;

  @Test
  void asManySlowGatesAsThePoolHasConnectionsLeaveThePoolFree() throws Exception {
    HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
    int drives = hikari.getMaximumPoolSize();
    UUID job = finishedJob();
    String tag = "slow-" + UUID.randomUUID() + ".safetensors";
    CountDownLatch release = hashing.hold(tag);
    List<UUID> promotions = new ArrayList<>();
    for (int i = 0; i < drives; i++) {
      UUID checkpoint = UUID.randomUUID();
      jdbc.sql(
              """
              INSERT INTO checkpoints (id, job_id, step, path, rank, reported_at, data, sha256)
              VALUES (:id, :job, :step, :path, 0, now(), '{}', 'abc')
              """)
          .param("id", checkpoint)
          .param("job", job)
          .param("step", 1000 + i)
          .param("path", "step-" + (1000 + i) + "/" + tag)
          .update();
      promotions.add(new Rows(jdbc).promotion(job, checkpoint, "VERIFYING", Instant.now()));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> hashing.waiting(tag) == drives);
    assertThat(promotions).allSatisfy(p -> assertThat(claimedBy(p)).isNotNull());

    var pool = hikari.getHikariPoolMXBean();
    List<Integer> active = new ArrayList<>();
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < until) {
      active.add(pool.getActiveConnections());
      LockSupport.parkNanos(1_000_000);
    }
    // Drives each holding a connection would keep all of them active the whole time.
    assertThat(Collections.min(active))
        .as("fewest active connections while %d drives wait in their gate", drives)
        .isLessThan(drives);
    long asked = System.nanoTime();
    assertThat(jdbc.sql("SELECT 1").query(Integer.class).single()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - asked))
        .as("a connection was there at once")
        .isLessThan(Duration.ofSeconds(5));
    assertThat(hashing.waiting(tag)).isEqualTo(drives);

    release.countDown();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> promotions.stream().allMatch(p -> state(p).equals("REJECTED")));
    assertThat(promotions)
        .as("claims are released when the drives stop")
        .allSatisfy(p -> assertThat(claimedBy(p)).isNull());
  }

  private String state(UUID promotion) {
    return jdbc.sql("SELECT state FROM promotions WHERE id = :id")
        .param("id", promotion)
        .query(String.class)
        .single();
  }

  private String claimedBy(UUID promotion) {
    return jdbc.sql("SELECT claimed_by FROM promotions WHERE id = :id")
        .param("id", promotion)
        .query((rs, n) -> rs.getString(1))
        .list()
        .get(0);
  }
}
