package io.baton.agent.collect.ascend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Chip;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.ascend.NpuSmiHealthParser.HealthDetail;
import org.junit.jupiter.api.Test;

class NpuSmiHealthParserTest {

  @Test
  void alarmWithErrorCodes() throws ParseException {
    HealthDetail detail = NpuSmiHealthParser.parse(Fixtures.read("npu-smi/health-alarm.txt"));

    assertThat(detail.health()).isEqualTo(Health.FAULT);
    assertThat(detail.rawHealth()).isEqualTo("Alarm");
    assertThat(detail.errorCodes()).containsExactly("80E01801", "80E18402");
  }

  @Test
  void okWithoutErrorCodes() throws ParseException {
    HealthDetail detail = NpuSmiHealthParser.parse(Fixtures.read("npu-smi/health-ok.txt"));

    assertThat(detail.health()).isEqualTo(Health.OK);
    assertThat(detail.errorCodes()).isEmpty();
  }

  @Test
  void outputWithoutHealthStatusIsAParseError() {
    assertThatThrownBy(() -> NpuSmiHealthParser.parse("Error: the device does not exist\n"))
        .isInstanceOf(ParseException.class)
        .hasMessage("npu-smi health: no 'Health Status : ...' line");
  }

  @Test
  void mergingKeepsTheWorseHealthAndAddsCodes() throws ParseException {
    Chip warning =
        NpuSmiInfoParser.parse(Fixtures.read("npu-smi/info-4x910B3-faults.txt")).chips().get(1);

    Chip merged =
        NpuSmiHealthParser.merge(
            warning, NpuSmiHealthParser.parse(Fixtures.read("npu-smi/health-alarm.txt")));

    assertThat(merged.health()).isEqualTo(Health.FAULT);
    assertThat(merged.rawHealth()).isEqualTo("Warning");
    assertThat(merged.errorCodes()).containsExactly("80E01801", "80E18402");
    assertThat(merged.reasons())
        .containsExactly(
            "npu-smi health: Warning", "npu-smi health detail: Alarm (80E01801 80E18402)");
    assertThat(merged.index()).isEqualTo(5);
    assertThat(merged.powerW()).isEqualTo(312.6);
  }
}
