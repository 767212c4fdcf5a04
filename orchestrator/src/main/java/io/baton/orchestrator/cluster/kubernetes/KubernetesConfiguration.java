package io.baton.orchestrator.cluster.kubernetes;

import io.baton.orchestrator.cluster.IsolatedChips;
import io.baton.orchestrator.cluster.ReconcileLoops;
import io.baton.orchestrator.leadership.Leadership;
import io.baton.orchestrator.leadership.Leases;
import io.baton.orchestrator.pools.NodeRepository;
import io.baton.orchestrator.pools.PoolCatalog;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Kubernetes backend's beans, when {@code baton.cluster.backend=kubernetes}: the client (from
 * {@code kubeconfig}, else in-cluster or auto-configuration; its own retries off, {@link
 * ApiRetryPolicy} retries), the training and serving backends, the node fencer, and the review of
 * agents' service-account tokens.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "kubernetes")
class KubernetesConfiguration {

  @Bean(destroyMethod = "close")
  KubernetesClient kubernetesClient(KubernetesProperties properties) {
    return new KubernetesClientBuilder().withConfig(config(properties)).build();
  }

  static Config config(KubernetesProperties properties) {
    Config base;
    if (properties.kubeconfig() != null) {
      try {
        base = Config.fromKubeconfig(Files.readString(properties.kubeconfig()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + properties.kubeconfig(), e);
      }
    } else {
      base = Config.autoConfigure(null);
    }
    ConfigBuilder config =
        new ConfigBuilder(base)
            .withNamespace(properties.namespace())
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout((int) properties.retry().requestTimeout().toMillis());
    if (properties.masterUrl() != null) {
      config.withMasterUrl(properties.masterUrl());
    }
    return config.build();
  }

  @Bean
  KubernetesBackend kubernetesBackend(
      KubernetesClient client, KubernetesProperties properties, PoolCatalog pools) {
    return new KubernetesBackend(client, properties, pools);
  }

  @Bean
  KubernetesInference kubernetesInference(
      KubernetesClient client, KubernetesProperties properties, PoolCatalog pools) {
    return new KubernetesInference(client, properties, pools);
  }

  /** Agents' service-account tokens, checked with TokenReviews, when turned on. */
  @Bean
  @ConditionalOnProperty(
      name = "baton.cluster.kubernetes.agent-authentication.enabled",
      havingValue = "true")
  AgentTokenReview agentTokenReview(
      KubernetesClient client,
      KubernetesProperties properties,
      PoolCatalog pools,
      NodeRepository nodes,
      Clock clock) {
    return new AgentTokenReview(
        client,
        properties,
        pools,
        (node, pool) -> nodes.register(node, pool.name(), pool.chipsPerNode(), clock.instant()),
        clock);
  }

  /** Leadership on the kubernetes backend: a Lease in the backend's namespace. */
  @Bean
  Leadership kubernetesLease(
      Leases leases, KubernetesClient client, KubernetesProperties properties) {
    return leases.onKubernetes(client, properties.namespace());
  }

  @Bean
  NodeFencer nodeFencer(
      KubernetesClient client,
      KubernetesProperties properties,
      NodeRepository nodes,
      PoolCatalog pools,
      IsolatedChips isolations,
      ReconcileLoops loops,
      org.springframework.jdbc.core.simple.JdbcClient jdbc) {
    return new NodeFencer(
        client,
        properties,
        nodes,
        pools,
        isolations::isolated,
        loops,
        () -> io.baton.orchestrator.leadership.Fences.verify(jdbc));
  }
}
