package io.baton.orchestrator.leadership;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Makes the replica's {@link Leadership}; each backend declares the one it runs on as a bean
 * (leadership knows no backend): a row in PostgreSQL for the local backend, a Kubernetes Lease for
 * the kubernetes backend. Either is a {@link org.springframework.context.SmartLifecycle} that
 * starts before the loops it guards and stops after them.
 */
@Component
public class Leases {

  private final LeaseRepository leases;
  private final LeadershipProperties properties;
  private final LeaderGauge gauge;
  private final ApplicationEventPublisher events;

  Leases(
      LeaseRepository leases,
      LeadershipProperties properties,
      LeaderGauge gauge,
      ApplicationEventPublisher events) {
    this.leases = leases;
    this.properties = properties;
    this.gauge = gauge;
    this.events = events;
  }

  /**
   * Leadership through a row of {@code leases}.
   *
   * @param sole no other replica can be alive (the local backend's single-instance lock is held):
   *     the first acquisition takes the lease at once instead of waiting out a dead predecessor's
   *     term
   */
  public Leadership onDatabase(boolean sole) {
    return new DatabaseLease(leases, properties, gauge, events, sole);
  }

  /** Leadership through a {@code coordination.k8s.io/v1} Lease in this namespace. */
  public Leadership onKubernetes(KubernetesClient client, String namespace) {
    return new KubernetesLease(client, namespace, leases, properties, gauge, events);
  }
}
