package io.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void chartLintsStrictlyWithItsDefaults() {
    LintResult result = Chart.lint();

    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }
}
