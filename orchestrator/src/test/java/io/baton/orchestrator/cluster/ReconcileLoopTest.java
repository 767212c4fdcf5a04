package io.baton.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.orchestrator.leadership.Fence;
import io.baton.orchestrator.leadership.Fences;
import io.baton.orchestrator.leadership.Leadership;
import io.baton.orchestrator.leadership.LeaseView;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An owned loop passes only on the leader, under its fence; drivers are bounded. */
class ReconcileLoopTest {

  /** A lease steered by the test. */
  static final class SteeredLease implements Leadership {
    volatile Fence fence;

    @Override
    public String replica() {
      return "me";
    }

    @Override
    public Optional<Fence> fence() {
      return Optional.ofNullable(fence);
    }

    @Override
    public LeaseView view() {
      return new LeaseView("l", fence == null ? null : "me", 0, null, null);
    }
  }

  private final SteeredLease lease = new SteeredLease();
  private final BlockingQueue<Optional<Fence>> passes = new LinkedBlockingQueue<>();
  private ReconcileLoop loop;

  @AfterEach
  void stop() {
    if (loop != null && loop.isRunning()) {
      loop.stop();
    }
  }

  @Test
  void anOwnedLoopPassesOnlyWhileItsReplicaLeadsWithTheFenceBound() {
    loop = new ReconcileLoop("t", () -> passes.add(Fences.current()), lease, 2);

    loop.passNow();
    assertThat(passes).as("no pass while following").isEmpty();

    lease.fence = new Fence("l", "me", 7);
    loop.passNow();
    assertThat(passes).containsExactly(Optional.of(new Fence("l", "me", 7)));
    assertThat(Fences.current()).as("unbound after the pass").isEmpty();

    passes.clear();
    lease.fence = null;
    loop.passNow();
    assertThat(passes).isEmpty();
    assertThat(loop.owned()).isTrue();
  }

  @Test
  void aLoopOfEveryReplicaPassesWithoutAFence() throws Exception {
    loop = new ReconcileLoop("t", () -> passes.add(Fences.current()));
    loop.start(Duration.ofHours(1), true);

    loop.kick(true);

    assertThat(passes.poll(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(loop.owned()).isFalse();
  }

  @Test
  void driversCarryThePassesFenceAndNoMoreThanTheBoundRunAtOnce() throws Exception {
    lease.fence = new Fence("l", "me", 3);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch twoStarted = new CountDownLatch(2);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    BlockingQueue<Optional<Fence>> driven = new LinkedBlockingQueue<>();
    Runnable work =
        () -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          driven.add(Fences.current());
          twoStarted.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          running.decrementAndGet();
        };
    ReconcileLoop[] self = new ReconcileLoop[1];
    loop =
        new ReconcileLoop(
            "t",
            () -> {
              for (int i = 0; i < 4; i++) {
                self[0].drive(UUID.randomUUID(), work);
              }
              passes.add(Fences.current());
            },
            lease,
            2);
    self[0] = loop;
    loop.start(Duration.ofHours(1), true);

    loop.kick(true);
    assertThat(passes.poll(5, TimeUnit.SECONDS)).isPresent();
    assertThat(twoStarted.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(running.get()).as("two at once; the others wait their turn").isEqualTo(2);
    release.countDown();
    for (int i = 0; i < 4; i++) {
      assertThat(driven.poll(5, TimeUnit.SECONDS)).contains(lease.fence);
    }
    assertThat(most.get()).isEqualTo(2);
  }
}
