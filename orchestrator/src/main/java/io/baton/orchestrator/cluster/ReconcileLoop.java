package io.baton.orchestrator.cluster;

import io.baton.orchestrator.leadership.Fence;
import io.baton.orchestrator.leadership.Fences;
import io.baton.orchestrator.leadership.Leadership;
import io.baton.orchestrator.leadership.LeaseLost;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of a reconciler: one pass every interval (and at once when kicked) on a thread of its
 * own, and long per-item work (a promotion's gates, a rollout) on a bounded pool of driver threads,
 * at most one driver per item at a time (items beyond the pool wait their turn). A pass or a driver
 * that throws is logged and tried again later.
 *
 * <p>An <em>owned</em> loop (made by {@link ReconcileLoops#owned}) passes only while this replica
 * leads, with the lease's {@link Fence} bound to the pass's thread and to the drivers it starts, so
 * the writes they make are refused once another replica took over.
 */
public final class ReconcileLoop {

  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final String name;
  private final Runnable pass;
  private final Leadership owner;
  private final int maxDrivers;
  private final Set<UUID> driving = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean kicked = new AtomicBoolean();
  private volatile ScheduledExecutorService loop;
  private volatile ExecutorService drivers;

  /**
   * A loop that runs on every replica, with at most {@link LoopProperties#DEFAULT_DRIVERS} drivers.
   *
   * @param name thread name prefix, e.g. {@code baton-promotions}
   * @param pass one pass over everything to reconcile
   */
  public ReconcileLoop(String name, Runnable pass) {
    this(name, pass, null, LoopProperties.DEFAULT_DRIVERS);
  }

  /**
   * @param owner when not null, passes run only while it leads, under its fence
   * @param maxDrivers how many items are driven at once
   */
  ReconcileLoop(String name, Runnable pass, Leadership owner, int maxDrivers) {
    this.name = name;
    this.pass = pass;
    this.owner = owner;
    this.maxDrivers = maxDrivers;
  }

  /** Starts the threads; passes run every {@code interval} unless {@code automatic} is false. */
  public void start(Duration interval, boolean automatic) {
    loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            maxDrivers,
            maxDrivers,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> daemon(r, name + "-driver"));
    pool.allowCoreThreadTimeOut(true);
    drivers = pool;
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
    Fence fence = Fences.current().orElse(null);
    try {
      drivers.execute(
          () -> {
            try {
              Fences.under(fence, work);
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

  /** One pass on the calling thread, as the loop's thread runs it (for tests). */
  void passNow() {
    safePass();
  }

  private void safePass() {
    kicked.set(false);
    Fence fence = null;
    if (owner != null) {
      Optional<Fence> held = owner.fence();
      if (held.isEmpty()) {
        return; // another replica owns this loop
      }
      fence = held.get();
    }
    try {
      Fences.under(fence, pass);
    } catch (LeaseLost e) {
      log.warn("{}: {}", name, e.getMessage());
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

  /** Whether passes run only on the replica that leads. */
  public boolean owned() {
    return owner != null;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
