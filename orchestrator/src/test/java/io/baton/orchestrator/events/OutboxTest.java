package io.baton.orchestrator.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxTest {

  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void aClientThatDoesNotReadHoldsBackAtMostTheCapacityAndBlocksNobodyElse() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch clientReads = new CountDownLatch(1);
    List<Integer> sent = new CopyOnWriteArrayList<>();
    Outbox<Integer> outbox =
        new Outbox<>(
            3,
            executor,
            item -> {
              writing.countDown();
              await(clientReads);
              sent.add(item);
            },
            e -> {});

    assertThat(outbox.offer(0)).isTrue();
    assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(outbox.offer(1)).isTrue();
    assertThat(outbox.offer(2)).isTrue();
    assertThat(outbox.offer(3)).isTrue();

    assertThat(outbox.offer(4)).as("the fourth waiting item").isFalse();
    assertThat(outbox.size()).isEqualTo(3);

    clientReads.countDown();
    waitFor(() -> sent.size() == 4);
    assertThat(sent).containsExactly(0, 1, 2, 3);
    assertThat(outbox.offer(5)).isTrue();
    waitFor(() -> sent.size() == 5);
  }

  @Test
  void aFailedWriteClosesTheOutboxAndReportsOnce() throws Exception {
    CompletableFuture<Exception> failure = new CompletableFuture<>();
    Outbox<String> outbox =
        new Outbox<>(
            10,
            executor,
            item -> {
              throw new IOException("Broken pipe");
            },
            failure::complete);

    outbox.offer("event");

    assertThat(failure.get(5, TimeUnit.SECONDS)).hasMessage("Broken pipe");
    assertThat(outbox.offer("next")).isFalse();
    assertThat(outbox.size()).isZero();
  }

  @Test
  void itemsOfferedWhileOneIsBeingSentAreSentInOrder() throws Exception {
    List<Integer> sent = new CopyOnWriteArrayList<>();
    Outbox<Integer> outbox = new Outbox<>(1000, executor, sent::add, e -> {});

    for (int i = 0; i < 1000; i++) {
      assertThat(outbox.offer(i)).isTrue();
    }

    waitFor(() -> sent.size() == 1000);
    assertThat(sent).isSorted().doesNotHaveDuplicates();
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IOException("client never read");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(condition::getAsBoolean);
  }
}
