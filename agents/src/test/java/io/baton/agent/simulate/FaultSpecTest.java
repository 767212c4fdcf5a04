package io.baton.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.collect.Health;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.sim.SimHealthSpec.ChipState;
import io.baton.agent.simulate.FaultSpec.Fault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultSpecTest {

  @Test
  void byNumberOrNameWithCodesAndDelay() throws ParseException {
    assertThat(FaultSpec.parse("3/5=FAULT:E001@10s, sim-0007/0=OK@1m,2/1=warning"))
        .containsExactly(
            new Fault(
                null, 3, 5, new ChipState(Health.FAULT, List.of("E001")), Duration.ofSeconds(10)),
            new Fault("sim-0007", -1, 0, ChipState.OK, Duration.ofMinutes(1)),
            new Fault(null, 2, 1, new ChipState(Health.WARNING, List.of()), Duration.ZERO));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "3=FAULT|expected NODE/CHIP=HEALTH",
        "3/x=FAULT|chip must be a number",
        "3/1=BAD|health must be one of",
        "3/1=FAULT@soon|'soon' is not a duration"
      })
  void badSpecsAreTypedErrors(String spec, String message) {
    assertThatThrownBy(() -> FaultSpec.parse(spec))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining(message);
  }

  @Test
  void tokensFileLines() throws ParseException {
    assertThat(Tokens.parse(List.of("# fleet", "", "sim-0000 abc", "  sim-0001   def  "), "t"))
        .containsEntry("sim-0000", "abc")
        .containsEntry("sim-0001", "def")
        .hasSize(2);
    assertThatThrownBy(() -> Tokens.parse(List.of("sim-0000"), "tokens.txt"))
        .isInstanceOf(ParseException.class)
        .hasMessage("tokens.txt: line 1: expected 'node token', found 1 words");
  }

  @Test
  void nodeNamesAreLikeTheLocalBackends() {
    assertThat(FleetSimulator.nodeName("ascend-910b-", 7)).isEqualTo("ascend-910b-7");
  }
}
