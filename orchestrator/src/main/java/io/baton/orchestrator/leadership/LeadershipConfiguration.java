package io.baton.orchestrator.leadership;

import io.baton.orchestrator.cluster.kubernetes.KubernetesProperties;
import io.baton.orchestrator.cluster.local.SingleInstance;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which lease decides leadership: a Kubernetes Lease on the kubernetes backend, a row in PostgreSQL
 * otherwise.
 */
@Configuration(proxyBeanMethods = false)
class LeadershipConfiguration {

  @Bean
  LeaderGauge leaderGauge(MeterRegistry meters, LeadershipProperties properties) {
    return new LeaderGauge(meters, properties.replica());
  }

  @Bean
  @ConditionalOnProperty(
      name = "baton.cluster.backend",
      havingValue = "local",
      matchIfMissing = true)
  DatabaseLease databaseLease(
      LeaseRepository leases,
      LeadershipProperties properties,
      LeaderGauge gauge,
      ApplicationEventPublisher events,
      ObjectProvider<SingleInstance> single) {
    return new DatabaseLease(leases, properties, gauge, events, single.getIfAvailable() != null);
  }

  @Bean
  @ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "kubernetes")
  KubernetesLease kubernetesLease(
      KubernetesClient client,
      KubernetesProperties kubernetes,
      LeaseRepository leases,
      LeadershipProperties properties,
      LeaderGauge gauge,
      ApplicationEventPublisher events) {
    return new KubernetesLease(client, kubernetes.namespace(), leases, properties, gauge, events);
  }
}
