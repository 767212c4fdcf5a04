package io.baton.orchestrator.cluster;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of a reconciler: one pass every interval (and at once when kicked) on a thread of its
 * own, and long per-item work (a promotion's gates, a rollout) on driver threads, at most one
 * driver per item at a time. A pass or a driver that throws is logged and tried again later.
 */
public final class ReconcileLoop {

  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final String name;
  private final Runnable pass;
  private final Set<UUID> driving = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean kicked = new AtomicBoolean();
  private volatile ScheduledExecutorService loop;
  private volatile ExecutorService drivers;

  /**
   * @param name thread name prefix, e.g. {@code baton-promotions}
   * @param pass one pass over everything to reconcile
   */
  public ReconcileLoop(String name, Runnable pass) {
    this.name = name;
    this.pass = pass;
  }

  /** Starts the threads; passes run every {@code interval} unless {@code automatic} is false. */
  public void start(Duration interval, boolean automatic) {
    loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
    drivers = Executors.newCachedThreadPool(r -> daemon(r, name + "-driver"));
    if (automatic) {
      long every = interval.toMillis();
      loop.scheduleWithFixedDelay(this::safePass, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Runs a pass soon, outside the regular interval (no-op when passes are not automatic). */
  public void kick(boolean automatic) {
    ScheduledExecutorService current = loop;
    if (current != null && automatic && kicked.compareAndSet(false, true)) {
      try {
        current.execute(this::safePass);
      } catch (RejectedExecutionException stopped) {
        // stopping: the next orchestrator's first pass does it
        kicked.set(false);
      }
    }
  }

  /** Hands {@code work} for {@code id} to a driver unless one is already at it. */
  public void drive(UUID id, Runnable work) {
    if (!driving.add(id)) {
      return;
    }
    try {
      drivers.execute(
          () -> {
            try {
              work.run();
            } catch (RuntimeException e) {
              log.warn("{}: {} failed to advance; retrying: {}", name, id, e.toString());
            } finally {
              driving.remove(id);
            }
          });
    } catch (RuntimeException rejected) {
      driving.remove(id);
    }
  }

  private void safePass() {
    kicked.set(false);
    try {
      pass.run();
    } catch (RuntimeException e) {
      log.warn("{}: a pass failed; retrying: {}", name, e.toString());
    }
  }

  /**
   * Stops the threads before the connection pool closes: no new pass starts, a pass in progress
   * runs to its end (interrupting it would fail its database or API call half-way), drivers are
   * interrupted (they wait on slow things) and waited for a little while.
   */
  public void stop() {
    loop.shutdown();
    drivers.shutdownNow();
    try {
      drivers.awaitTermination(5, TimeUnit.SECONDS);
      if (!loop.awaitTermination(20, TimeUnit.SECONDS)) {
        log.warn("{}: a pass still runs after 20 s; interrupting it", name);
        loop.shutdownNow();
        loop.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isRunning() {
    return loop != null && !loop.isShutdown();
  }

  /**
   * Whether {@link #stop()} has begun: a pass over many items ends between two of them, so the stop
   * does not wait for the rest (they are done on the next start).
   */
  public boolean stopping() {
    ScheduledExecutorService current = loop;
    return current != null && current.isShutdown();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
