package io.baton.orchestrator.cluster.local;

import io.baton.orchestrator.leadership.Leadership;
import io.baton.orchestrator.leadership.Leases;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Leadership on the local backend: a row in PostgreSQL. With the single-instance lock held no other
 * replica can be alive, so the lease is taken at once after a restart.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "baton.cluster.backend", havingValue = "local", matchIfMissing = true)
class LocalLeadership {

  @Bean
  Leadership databaseLease(Leases leases, ObjectProvider<SingleInstance> single) {
    return leases.onDatabase(single.getIfAvailable() != null);
  }
}
