package io.baton.orchestrator.events;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What is on its way to one stream: a bounded queue that one sender at a time drains on {@code
 * executor}. The poller only ever offers, so a client that reads slowly (or not at all) blocks its
 * own sender, never the poller or the other streams; and it can hold back no more than {@code
 * capacity} items before {@link #offer} says no.
 */
final class Outbox<T> {

  /** Writes one item; blocks while the client does not read. */
  interface Sink<T> {
    void send(T item) throws IOException;
  }

  private final ArrayBlockingQueue<T> queue;
  private final Executor executor;
  private final Sink<T> sink;
  private final Consumer<Exception> onFailure;
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile boolean closed;

  Outbox(int capacity, Executor executor, Sink<T> sink, Consumer<Exception> onFailure) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.executor = executor;
    this.sink = sink;
    this.onFailure = onFailure;
  }

  /** Queues an item to be sent; false when the outbox is full or closed. */
  boolean offer(T item) {
    if (closed || !queue.offer(item)) {
      return false;
    }
    schedule();
    return true;
  }

  /** Drops what waits and sends nothing more. */
  void close() {
    closed = true;
    queue.clear();
  }

  int size() {
    return queue.size();
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      for (T item = queue.poll(); item != null && !closed; item = queue.poll()) {
        sink.send(item);
      }
    } catch (IOException | RuntimeException e) {
      close();
      onFailure.accept(e);
    } finally {
      draining.set(false);
    }
    // An offer between the last poll and the reset above found the flag still set.
    if (!closed && !queue.isEmpty()) {
      schedule();
    }
  }
}
