package io.baton.orchestrator.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code baton_jobs{state=...}}: jobs by state, read from the database (so every replica reports
 * the cluster's numbers), at most once per second however often it is scraped.
 */
@Component
class JobMetrics implements MeterBinder {

  private static final Duration MAX_AGE = Duration.ofSeconds(1);

  private final JobRepository jobs;
  private final Clock clock;
  private Map<JobState, Long> counts;
  private Instant readAt = Instant.MIN;

  JobMetrics(JobRepository jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (JobState state : JobState.values()) {
      Gauge.builder("baton.jobs", this, m -> m.count(state))
          .description("Training jobs by state")
          .tag("state", state.name())
          .register(registry);
    }
  }

  private synchronized double count(JobState state) {
    Instant now = clock.instant();
    if (counts == null || now.isAfter(readAt.plus(MAX_AGE))) {
      counts = jobs.countByState();
      readAt = now;
    }
    return counts.get(state);
  }
}
