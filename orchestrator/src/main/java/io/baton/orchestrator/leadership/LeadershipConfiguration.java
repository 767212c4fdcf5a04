package io.baton.orchestrator.leadership;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The leader gauge. Which lease decides leadership is the backend's choice: it declares the {@link
 * Leadership} bean through {@link Leases}.
 */
@Configuration(proxyBeanMethods = false)
class LeadershipConfiguration {

  @Bean
  LeaderGauge leaderGauge(MeterRegistry meters, LeadershipProperties properties) {
    return new LeaderGauge(meters, properties.replica());
  }
}
