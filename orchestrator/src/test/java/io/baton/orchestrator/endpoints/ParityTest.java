package io.baton.orchestrator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParityTest {

  @Test
  void identicalOutputsPassWithZeroError() {
    double[][] golden = {{0.25}, {0.75}};
    Parity.Result result = Parity.compare(golden, new double[][] {{0.25}, {0.75}}, 0, 0);
    assertThat(result.passed()).isTrue();
    assertThat(result.maxAbsError()).isZero();
    assertThat(result.outputs()).isEqualTo(2);
  }

  @Test
  void errorsWithinAbsPlusRelTimesExpectedPass() {
    double[][] golden = {{1.0}, {0.0}};
    // |1.00015 - 1| = 1.5e-4 <= 1e-4 + 1e-4 * 1; |1e-5 - 0| <= 1e-4.
    Parity.Result result = Parity.compare(golden, new double[][] {{1.00015}, {1e-5}}, 1e-4, 1e-4);
    assertThat(result.passed()).isTrue();
    assertThat(result.maxAbsError()).isCloseTo(1.5e-4, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.worstRow()).isZero();
  }

  @Test
  void oneOutputOutsideTheToleranceFailsAndIsNamed() {
    double[][] golden = {{0.1}, {0.2}, {0.3}};
    Parity.Result result =
        Parity.compare(golden, new double[][] {{0.1}, {0.25}, {0.3}}, 1e-6, 1e-5);
    assertThat(result.passed()).isFalse();
    assertThat(result.worstRow()).isEqualTo(1);
    assertThat(result.maxAbsError()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(result.maxRelError()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void missingRowsWrongWidthsAndNaNFail() {
    double[][] golden = {{0.1}, {0.2}};
    assertThat(Parity.compare(golden, new double[][] {{0.1}}, 1, 1).mismatch())
        .contains("expected 2 output rows, got 1");
    assertThat(Parity.compare(golden, new double[][] {{0.1}, {0.2, 0.3}}, 1, 1).mismatch())
        .contains("row 1");
    assertThat(Parity.compare(golden, new double[][] {{0.1}, {Double.NaN}}, 1, 1).passed())
        .isFalse();
  }
}
