package io.baton.agent.simulate;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocketFactory;

/**
 * The https transport: up to {@code maxConnections} sender threads, each with one keep-alive {@link
 * PostConnection}, started as the load needs them. Costlier per report than {@link NioTransport} (a
 * thread hand-off and a wake-up per report), but TLS comes ready-made with blocking sockets.
 *
 * <p>Idle senders wait on a stack, so the most recently used (whose connections are open) are used
 * again first, and a light load keeps only a few connections open.
 */
final class BlockingTransport implements Transport {

  private final PostConnection.Target target;
  private final Reports reports;
  private final int maxConnections;
  private final Duration timeout;
  private final SSLSocketFactory tls;
  private final ArrayDeque<Sender> idle = new ArrayDeque<>();
  private final ArrayDeque<Due> queue = new ArrayDeque<>();
  private final List<Sender> all = new ArrayList<>();
  private final AtomicInteger threads = new AtomicInteger();
  private volatile boolean closed;
  private volatile Thread ticker;

  BlockingTransport(
      PostConnection.Target target,
      Reports reports,
      int maxConnections,
      Duration timeout,
      SSLSocketFactory tls) {
    this.target = target;
    this.reports = reports;
    this.maxConnections = maxConnections;
    this.timeout = timeout;
    this.tls = tls;
  }

  @Override
  public void submit(Due report) {
    Sender ready;
    boolean start = false;
    synchronized (this) {
      ready = idle.pollFirst();
      if (ready != null) {
        ready.assigned = report;
      } else if (all.size() < maxConnections) {
        ready = new Sender(report, "sim-send-" + threads.incrementAndGet());
        all.add(ready);
        start = true;
      } else {
        queue.addLast(report);
        return;
      }
    }
    if (start) {
      ready.thread.start();
    } else {
      LockSupport.unpark(ready.thread);
    }
  }

  @Override
  public void await(long nanos) throws InterruptedException {
    ticker = Thread.currentThread();
    if (nanos > 0) {
      LockSupport.parkNanos(this, nanos);
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  @Override
  public void wakeup() {
    Thread waiting = ticker;
    if (waiting != null) {
      LockSupport.unpark(waiting);
    }
  }

  @Override
  public void close() {
    List<Sender> waiting;
    synchronized (this) {
      closed = true;
      queue.clear();
      waiting = new ArrayList<>(idle);
      idle.clear();
    }
    waiting.forEach(sender -> LockSupport.unpark(sender.thread));
  }

  /** The next queued report, or null after the sender was put among the idle ones. */
  private synchronized Due next(Sender sender) {
    Due report = queue.pollFirst();
    if (report == null && !closed) {
      idle.addFirst(sender);
    }
    return report;
  }

  /** One thread with one connection, sending one report at a time. */
  private final class Sender implements Runnable {

    final Thread thread;
    volatile Due assigned;
    private Due first;
    private final PostConnection connection = new PostConnection(target, timeout, tls);
    private final ByteSink body = new ByteSink(4096);
    private final ByteSink request = new ByteSink(4096);

    Sender(Due first, String name) {
      this.first = first;
      this.thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      Due report = first;
      first = null;
      try {
        while (report != null) {
          send(report);
          report = next(this);
          if (report == null) {
            report = awaitAssigned();
          }
        }
      } finally {
        connection.close();
      }
    }

    private Due awaitAssigned() {
      while (true) {
        Due report = assigned;
        if (report != null) {
          assigned = null;
          return report;
        }
        if (closed) {
          return null;
        }
        LockSupport.park(this);
      }
    }

    private void send(Due report) {
      int status = 0;
      Throwable error = null;
      try {
        request.clear();
        reports.writeRequest(report, body, request);
        status = connection.exchange(request.array(), request.size());
      } catch (IOException | RuntimeException e) {
        error = e;
      }
      reports.done(report, status, error);
    }
  }
}
