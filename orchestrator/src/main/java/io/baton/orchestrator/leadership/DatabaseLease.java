package io.baton.orchestrator.leadership;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Leadership through a row of {@code leases}: a thread acquires or renews it every {@code
 * renewInterval} while leading, every {@code retryPeriod} while not, and releases it on a clean
 * stop. Started before the owned loops and stopped after them ({@link #PHASE}).
 */
class DatabaseLease implements Leadership, SmartLifecycle {

  /** Before every loop starts (they start at the default phase) and after they stopped. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  private static final Logger log = LoggerFactory.getLogger(DatabaseLease.class);

  private final LeaseRepository leases;
  private final LeadershipProperties properties;
  private final LeaderGauge gauge;
  private final ApplicationEventPublisher events;
  private final boolean sole;
  private volatile LeaseTerm term;
  private volatile ScheduledExecutorService thread;

  /**
   * @param sole this replica holds the local backend's single-instance lock, so no other replica
   *     can be alive: its first acquisition takes the lease at once instead of waiting out a dead
   *     predecessor's term (a restart after a crash resumes work without delay)
   */
  public DatabaseLease(
      LeaseRepository leases,
      LeadershipProperties properties,
      LeaderGauge gauge,
      ApplicationEventPublisher events,
      boolean sole) {
    this.leases = leases;
    this.properties = properties;
    this.gauge = gauge;
    this.events = events;
    this.sole = sole;
  }

  @Override
  public String replica() {
    return properties.replica();
  }

  @Override
  public Optional<Fence> fence() {
    return LeaseTerm.fence(term, properties.lease(), properties.replica(), System.nanoTime());
  }

  @Override
  public LeaseView view() {
    return leases
        .view(properties.lease())
        .orElse(new LeaseView(properties.lease(), null, 0, null, null));
  }

  /** One acquisition or renewal; what the lease thread runs. Public for tests that drive it. */
  public boolean tryAcquire() {
    boolean before = isLeader();
    long asked = System.nanoTime();
    try {
      OptionalLong token =
          sole && term == null
              ? OptionalLong.of(
                  leases.seize(
                      properties.lease(), properties.replica(), properties.leaseDuration()))
              : leases.acquire(
                  properties.lease(), properties.replica(), properties.leaseDuration());
      if (token.isPresent()) {
        term = LeaseTerm.of(token.getAsLong(), asked, properties.leaseDuration());
      } else {
        term = null;
      }
    } catch (RuntimeException e) {
      // The term already granted runs out by itself; nothing else is safe to assume.
      log.warn("Lease {}: cannot renew or acquire: {}", properties.lease(), e.toString());
    }
    boolean now = isLeader();
    if (now != before) {
      log.info(
          "Lease {}: replica {} {}",
          properties.lease(),
          properties.replica(),
          now ? "now leads (token " + term.token() + ")" : "no longer leads");
      gauge.set(now);
      events.publishEvent(new LeadershipChanged(properties.replica(), now, now ? term.token() : 0));
    }
    return now;
  }

  private void loop() {
    boolean leading = tryAcquire();
    Duration next =
        LeaseTerm.nextAttempt(leading, properties.renewInterval(), properties.retryPeriod());
    ScheduledExecutorService current = thread;
    if (current != null && !current.isShutdown()) {
      current.schedule(this::loop, next.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void start() {
    leases.ensure(properties.lease());
    thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-lease");
              t.setDaemon(true);
              return t;
            });
    // The first attempt before the loops start, so a lone replica leads from its first pass.
    tryAcquire();
    thread.schedule(this::loop, properties.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    ScheduledExecutorService current = thread;
    thread = null;
    if (current != null) {
      current.shutdownNow();
      try {
        current.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Optional<Fence> held = fence();
    term = null;
    gauge.set(false);
    if (held.isPresent()) {
      events.publishEvent(new LeadershipChanged(properties.replica(), false, 0));
    }
    held.ifPresent(
        f -> {
          try {
            leases.release(f);
            log.info("Lease {}: released by {}", f.lease(), f.holder());
          } catch (RuntimeException e) {
            log.warn("Lease {}: not released, it expires by itself: {}", f.lease(), e.toString());
          }
        });
  }

  @Override
  public boolean isRunning() {
    return thread != null;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
