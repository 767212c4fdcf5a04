package io.baton.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void functionsGroupingLabelsRangesAndNumbersAreNoMetrics() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le) (rate(baton_ingest_lag_seconds_bucket"
                    + "[$__rate_interval])))"))
        .containsExactly("baton_ingest_lag_seconds_bucket");
    assertThat(
            PromQl.metricNames(
                "sum by (pool) (baton_chip_hbm_used_bytes{pool=~\"$pool\"}) / sum by (pool)"
                    + " (baton_chip_hbm_total_bytes{pool=~\"a|b\"})"))
        .containsExactly("baton_chip_hbm_total_bytes", "baton_chip_hbm_used_bytes");
    assertThat(
            PromQl.metricNames(
                "(sum by (job) (baton_job_restarts) - sum by (job) (baton_job_restarts offset 1h)"
                    + " >= 3) or (sum(x_total) >= 3 unless sum(baton_job_restarts offset 1h))"))
        .containsExactly("baton_job_restarts", "x_total");
    assertThat(PromQl.metricNames("count by (pool) ((time() - baton_node_seen) > 120) > 0"))
        .containsExactly("baton_node_seen");
    assertThat(PromQl.metricNames("baton_chip_health{health=\"FAULT\", node=\"a{b}\"} == 1"))
        .containsExactly("baton_chip_health");
  }

  @Test
  void aVariableQueryReadsItsFirstArgument() {
    assertThat(PromQl.metricNames("label_values(baton_pool_chips, pool)"))
        .containsExactly("baton_pool_chips");
    assertThat(PromQl.metricNames("label_values(baton_job_step{pool=\"x\"}, team)"))
        .containsExactly("baton_job_step");
  }
}
