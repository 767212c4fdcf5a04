package io.baton.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestartCauseTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "infrastructure failure: node n-1, n-2 lost | node-lost",
        "infrastructure failure: chip n-1/3 FAULT | chip-fault",
        "infrastructure failure: n-1 isolated by the fault policy; n-2/4 isolated by the fault"
            + " policy | isolated",
        "infrastructure failure: the ranks are gone (backend restarted) | backend-restarted",
        "infrastructure failure: rank 2 on n-1 exited with code 137 (OOMKilled) |"
            + " rank-infrastructure",
        "application failure: rank 0 on n-1 exited with code 1 | application",
        "HANG: no new step for PT10M (hang timeout from the spec); last steps: rank 0 none | hang",
        "STRAGGLER rank 3 on n-1 chips [0, 1] 1.6× slower; replacing pays | straggler",
        "infrastructure failure: something new | other",
        "the operator restarted it | other"
      })
  void causesBecomeFewLabels(String cause, String label) {
    assertThat(RestartCause.of(cause).label).isEqualTo(label);
  }

  @Test
  void noCauseIsOther() {
    assertThat(RestartCause.of(null)).isEqualTo(RestartCause.OTHER);
    assertThat(RestartCause.of("")).isEqualTo(RestartCause.OTHER);
  }
}
