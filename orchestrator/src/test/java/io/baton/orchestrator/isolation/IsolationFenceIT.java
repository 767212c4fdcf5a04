package io.baton.orchestrator.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.leadership.Fence;
import io.baton.orchestrator.leadership.Fences;
import io.baton.orchestrator.leadership.LeaseLost;
import io.baton.orchestrator.leadership.LeaseRepository;
import io.baton.orchestrator.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The fault responder is an owned loop: its isolation writes carry the lease's fence, so a replica
 * that lost the lease while paused neither isolates, marks healthy nor releases a chip on stale
 * beliefs — and says so ({@link LeaseLost}) instead of taking the refusal for "nothing to do". Uses
 * a lease of its own, so the shared context's lease is untouched.
 */
class IsolationFenceIT extends IntegrationTest {

  private static final Duration TERM = Duration.ofSeconds(10);

  @Autowired Isolations isolations;
  @Autowired LeaseRepository leases;
  @Autowired JdbcClient jdbc;

  @Test
  void aPausedFormerOwnerCannotIsolateMarkHealthyOrReleaseAfterATakeover() {
    String lease = "it-" + UUID.randomUUID();
    jdbc.sql("INSERT INTO leases (name) VALUES (:name)").param("name", lease).update();
    Fence a = new Fence(lease, "a", leases.acquire(lease, "a", TERM).orElseThrow());
    String node = "fenced-" + UUID.randomUUID();
    Instant now = Instant.now();
    assertThat(Fences.under(a, () -> isolations.isolate(node, 1, "ascend-910b", "by a", now)))
        .as("the owner isolates")
        .isTrue();

    // a pauses past its term; b takes over.
    jdbc.sql("UPDATE leases SET expires_at = now() - interval '1 second' WHERE name = :name")
        .param("name", lease)
        .update();
    Fence b = new Fence(lease, "b", leases.acquire(lease, "b", TERM).orElseThrow());

    assertThatThrownBy(
            () -> Fences.under(a, () -> isolations.isolate(node, 2, "ascend-910b", "stale", now)))
        .isInstanceOf(LeaseLost.class);
    assertThatThrownBy(() -> Fences.under(a, () -> isolations.healthySince(node, 1, now)))
        .isInstanceOf(LeaseLost.class);
    assertThatThrownBy(() -> Fences.under(a, () -> isolations.release(node, 1)))
        .isInstanceOf(LeaseLost.class);
    assertThat(isolations.all())
        .filteredOn(i -> i.node().equals(node))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.chip()).isEqualTo(1);
              assertThat(i.healthySince()).isNull();
            });

    assertThat(Fences.under(b, () -> isolations.isolate(node, 1, "ascend-910b", "again", now)))
        .as("the new owner: already isolated, no error")
        .isFalse();
    Fences.under(b, () -> isolations.healthySince(node, 1, now));
    assertThat(isolations.find(node, 1).orElseThrow().healthySince()).isNotNull();
    assertThat(Fences.under(b, () -> isolations.release(node, 1))).isTrue();
    assertThat(isolations.find(node, 1)).isEmpty();
    assertThat(isolations.release(node, 1)).as("unfenced (an operator), nothing left").isFalse();
  }
}
