package io.baton.orchestrator.leadership;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Leadership on the kubernetes backend: a {@code coordination.k8s.io/v1} Lease elected by Fabric8's
 * {@code LeaderElector} (the same protocol as client-go's controllers). The Lease decides who
 * leads; the fencing token lives in the database the writes go to: on election the new leader
 * seizes the {@code leases} row (a new token, so the previous leader's fenced writes are refused
 * from then on) and renews it while it leads.
 */
class KubernetesLease implements Leadership, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KubernetesLease.class);

  private final KubernetesClient client;
  private final String namespace;
  private final LeaseRepository leases;
  private final LeadershipProperties properties;
  private final LeaderGauge gauge;
  private final ApplicationEventPublisher events;
  private volatile LeaseTerm term;
  private volatile ScheduledExecutorService renewer;
  private volatile CompletableFuture<?> election;
  private volatile boolean running;

  public KubernetesLease(
      KubernetesClient client,
      String namespace,
      LeaseRepository leases,
      LeadershipProperties properties,
      LeaderGauge gauge,
      ApplicationEventPublisher events) {
    this.events = events;
    this.client = client;
    this.namespace = namespace;
    this.leases = leases;
    this.properties = properties;
    this.gauge = gauge;
  }

  @Override
  public String replica() {
    return properties.replica();
  }

  @Override
  public Optional<Fence> fence() {
    return LeaseTerm.fence(term, properties.lease(), properties.replica(), System.nanoTime());
  }

  /** The Kubernetes Lease's holder and renewal, with the database's fencing token. */
  @Override
  public LeaseView view() {
    long token = leases.view(properties.lease()).map(LeaseView::token).orElse(0L);
    Lease lease = client.leases().inNamespace(namespace).withName(properties.lease()).get();
    if (lease == null || lease.getSpec() == null) {
      return new LeaseView(properties.lease(), null, token, null, null);
    }
    Instant renewed =
        lease.getSpec().getRenewTime() == null ? null : lease.getSpec().getRenewTime().toInstant();
    Integer seconds = lease.getSpec().getLeaseDurationSeconds();
    return new LeaseView(
        properties.lease(),
        lease.getSpec().getHolderIdentity(),
        token,
        renewed,
        renewed == null || seconds == null ? null : renewed.plusSeconds(seconds));
  }

  private void startedLeading() {
    long asked = System.nanoTime();
    long token = leases.seize(properties.lease(), properties.replica(), properties.leaseDuration());
    term = LeaseTerm.of(token, asked, properties.leaseDuration());
    gauge.set(true);
    events.publishEvent(new LeadershipChanged(properties.replica(), true, token));
    log.info(
        "Lease {}/{}: replica {} now leads (token {})",
        namespace,
        properties.lease(),
        properties.replica(),
        token);
  }

  private void stoppedLeading() {
    term = null;
    gauge.set(false);
    events.publishEvent(new LeadershipChanged(properties.replica(), false, 0));
    log.info("Lease {}/{}: replica {} no longer leads", namespace, properties.lease(), replica());
  }

  /** Keeps the database's row (and so the fence) alive while the Kubernetes Lease is ours. */
  private void renewFence() {
    LeaseTerm current = term;
    if (current == null) {
      return;
    }
    long asked = System.nanoTime();
    Fence fence = new Fence(properties.lease(), properties.replica(), current.token());
    try {
      if (leases.renew(fence, properties.leaseDuration())) {
        if (term == current) {
          term = LeaseTerm.of(current.token(), asked, properties.leaseDuration());
        }
      } else {
        log.warn("Lease {}: the database's fence moved on; not leading", properties.lease());
        term = null;
        gauge.set(false);
      }
    } catch (RuntimeException e) {
      log.warn("Lease {}: cannot renew the fence: {}", properties.lease(), e.toString());
    }
  }

  @Override
  public void start() {
    leases.ensure(properties.lease());
    renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-lease-fence");
              t.setDaemon(true);
              return t;
            });
    long every = properties.renewInterval().toMillis();
    renewer.scheduleWithFixedDelay(this::renewFence, every, every, TimeUnit.MILLISECONDS);
    running = true;
    elect();
  }

  /**
   * Runs one election; Fabric8's elector ends once this replica lost the lease it held (a renewal
   * failed past the deadline), so another one begins — unless this replica stops.
   */
  private synchronized void elect() {
    if (!running) {
      return;
    }
    Duration renewDeadline = properties.leaseDuration().minus(properties.renewInterval());
    CompletableFuture<?> started =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(properties.lease())
                    .withLock(new LeaseLock(namespace, properties.lease(), properties.replica()))
                    .withLeaseDuration(properties.leaseDuration())
                    .withRenewDeadline(renewDeadline)
                    .withRetryPeriod(properties.retryPeriod())
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            this::startedLeading,
                            this::stoppedLeading,
                            leader -> {
                              if (leader != null) {
                                log.info("Lease {}: led by {}", properties.lease(), leader);
                              }
                            }))
                    .withReleaseOnCancel()
                    .build())
            .build()
            .start();
    election = started;
    started.whenComplete(
        (result, error) -> {
          ScheduledExecutorService current = renewer;
          if (running && current != null && !current.isShutdown()) {
            current.schedule(
                this::elect, properties.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
          }
        });
  }

  @Override
  public void stop() {
    CompletableFuture<?> current;
    synchronized (this) {
      running = false;
      current = election;
      election = null;
    }
    Optional<Fence> held = fence();
    if (current != null) {
      current.cancel(true);
    }
    term = null;
    gauge.set(false);
    held.ifPresent(
        f -> {
          try {
            leases.release(f);
          } catch (RuntimeException e) {
            log.debug("Lease {}: fence not released: {}", f.lease(), e.toString());
          }
        });
    if (renewer != null) {
      renewer.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return DatabaseLease.PHASE;
  }
}
