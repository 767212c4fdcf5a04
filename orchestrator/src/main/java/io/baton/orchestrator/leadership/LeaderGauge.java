package io.baton.orchestrator.leadership;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code baton_leader{replica}}: 1 while this replica owns the loops, 0 otherwise. */
final class LeaderGauge {

  private final AtomicInteger value = new AtomicInteger();

  public LeaderGauge(MeterRegistry meters, String replica) {
    Gauge.builder("baton.leader", value, AtomicInteger::get)
        .description("1 while this replica holds the lease and runs the owned loops")
        .tag("replica", replica)
        .register(meters);
  }

  void set(boolean leading) {
    value.set(leading ? 1 : 0);
  }
}
