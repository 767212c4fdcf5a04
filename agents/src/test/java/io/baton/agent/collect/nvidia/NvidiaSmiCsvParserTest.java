package io.baton.agent.collect.nvidia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Chip;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.Vendor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NvidiaSmiCsvParserTest {

  @Test
  void headerFormWithUnits() throws ParseException {
    List<Chip> gpus =
        NvidiaSmiCsvParser.parse(Fixtures.read("nvidia-smi/query-8xA100-header.csv"), Map.of())
            .chips();

    assertThat(gpus).extracting(Chip::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    Chip busy = gpus.get(1);
    assertThat(busy.uuid()).isEqualTo("GPU-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    assertThat(busy.name()).isEqualTo("NVIDIA A100-SXM4-80GB");
    assertThat(busy.tempC()).isEqualTo(36);
    assertThat(busy.powerW()).isEqualTo(250.12);
    assertThat(busy.utilizationPct()).isEqualTo(97);
    assertThat(busy.memoryUsedMb()).isEqualTo(71342L);
    assertThat(busy.memoryTotalMb()).isEqualTo(81920L);
    assertThat(busy.raw()).containsEntry("power.draw", "250.12 W");
    assertThat(gpus)
        .extracting(Chip::health)
        .containsExactly(
            Health.OK,
            Health.OK,
            Health.FAULT,
            Health.WARNING,
            Health.FAULT,
            Health.OK,
            Health.WARNING,
            Health.OK);
    assertThat(gpus.get(2).reasons()).containsExactly("uncorrected volatile ECC errors: 2");
    assertThat(gpus.get(3).reasons()).containsExactly("clock slowdown active: hw_thermal_slowdown");
    assertThat(gpus.get(4).reasons()).containsExactly("row remapping failed");
    assertThat(gpus.get(6).reasons())
        .containsExactly("clock slowdown active: hw_power_brake_slowdown");
  }

  @Test
  void notAvailableValuesAreMissingNotErrors() throws ParseException {
    Chip gpu =
        NvidiaSmiCsvParser.parse(Fixtures.read("nvidia-smi/query-8xA100-header.csv"), Map.of())
            .chips()
            .get(5);

    assertThat(gpu.health()).isEqualTo(Health.OK);
    assertThat(gpu.powerW()).isNull();
    assertThat(gpu.utilizationPct()).isNull();
    assertThat(gpu.tempC()).isEqualTo(32);
    assertThat(gpu.raw()).containsEntry("ecc.errors.uncorrected.volatile.total", "[N/A]");
  }

  @Test
  void noHeaderNoUnitsInQueryOrder() throws ParseException {
    List<Chip> gpus =
        NvidiaSmiCsvParser.parse(
                Fixtures.read("nvidia-smi/query-4xT4-noheader-nounits.csv"), Map.of())
            .chips();

    assertThat(gpus).extracting(Chip::name).containsOnly("Tesla T4");
    assertThat(gpus)
        .extracting(Chip::health)
        .containsExactly(Health.OK, Health.FAULT, Health.WARNING, Health.OK);
    assertThat(gpus.get(0).powerW()).isEqualTo(27.73);
    assertThat(gpus.get(1).powerW()).isNull();
    assertThat(gpus.get(1).reasons()).containsExactly("retired pages pending");
    assertThat(gpus.get(2).tempC()).isEqualTo(83);
    assertThat(gpus.get(2).memoryUsedMb()).isEqualTo(14010L);
    assertThat(gpus.get(2).reasons()).containsExactly("clock slowdown active: sw_thermal_slowdown");
  }

  @Test
  void newerDriversEventReasonColumnsCount() throws ParseException {
    List<Chip> gpus =
        NvidiaSmiCsvParser.parse(
                Fixtures.read("nvidia-smi/query-2xH100-event-reasons.csv"), Map.of())
            .chips();

    assertThat(gpus).extracting(Chip::health).containsExactly(Health.WARNING, Health.OK);
  }

  @Test
  void hardwareXidsFaultAGpuOtherXidsAreOnlyRecorded() throws ParseException {
    List<Chip> gpus =
        NvidiaSmiCsvParser.parse(
                Fixtures.read("nvidia-smi/query-8xA100-header.csv"),
                Map.of(7, Set.of(79), 0, Set.of(13)))
            .chips();

    assertThat(gpus.get(7).health()).isEqualTo(Health.FAULT);
    assertThat(gpus.get(7).errorCodes()).containsExactly("XID 79");
    assertThat(gpus.get(7).reasons()).containsExactly("hardware XID 79");
    assertThat(gpus.get(0).health()).isEqualTo(Health.OK);
    assertThat(gpus.get(0).errorCodes()).containsExactly("XID 13");
  }

  @Test
  void memoryErrorStatesAreReportedForTheFaultPolicy() throws ParseException {
    List<Chip> gpus =
        NvidiaSmiCsvParser.parse(
                Fixtures.read("nvidia-smi/query-4xA100-memory-errors.csv"), Map.of(2, Set.of(48)))
            .chips();

    assertThat(gpus.get(0).memoryErrors()).isEmpty();
    assertThat(gpus.get(1).memoryErrors()).containsExactly("row-remap-pending");
    assertThat(gpus.get(1).health()).as("a pending remap waits for a reset").isEqualTo(Health.OK);
    assertThat(gpus.get(2).memoryErrors()).containsExactly("uncorrected", "retired-pages-pending");
    assertThat(gpus.get(2).errorCodes()).containsExactly("XID 48");
    assertThat(gpus.get(2).health()).isEqualTo(Health.FAULT);
    assertThat(gpus.get(3).memoryErrors()).containsExactly("row-remap-failure");
    assertThat(
            NvidiaSmiCsvParser.parse(Fixtures.read("nvidia-smi/query-8xA100-header.csv"), Map.of())
                .chips())
        .as("without a remapped_rows.pending column, the states the query has")
        .extracting(Chip::memoryErrors)
        .containsExactly(
            List.of(),
            List.of(),
            List.of("uncorrected"),
            List.of(),
            List.of("row-remap-failure"),
            List.of(),
            List.of(),
            List.of());
  }

  @Test
  void snapshotIsNvidia() throws ParseException {
    assertThat(
            NvidiaSmiCsvParser.parse(
                    Fixtures.read("nvidia-smi/query-4xT4-noheader-nounits.csv"), Map.of())
                .vendor())
        .isEqualTo(Vendor.NVIDIA);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|nvidia-smi: empty output",
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.|line 1: expected 15 values, found 1",
        "0, GPU-1, Tesla T4, 41, 27.73, 0, 0, 15360, 0, No|line 1: expected 15 values, found 10",
        "0, GPU-1, Tesla T4, 41, lots, 0, 0, 15360, 0, No, [N/A], Not Active, Not Active, Not Active, Not Active|line 1: power.draw 'lots' is not a number",
        "0, GPU-1, Tesla T4, 41, 27.73, 0, 0, 15360, 0, Maybe, [N/A], Not Active, Not Active, Not Active, Not Active|line 1: retired_pages.pending 'Maybe' is not Yes/No or Active/Not Active",
        "0, GPU-1, Tesla T4, 41, 27.73, 0, 0, 15360, 0, No, [N/A], Not Active, Not Active, Not Active, Not Act|line 1: clocks_throttle_reasons.hw_power_brake_slowdown 'Not Act' is not",
        "name, uuid|the header has no 'index' column"
      })
  void garbageOrTruncatedOutputIsATypedError(String output, String message) {
    assertThatThrownBy(() -> NvidiaSmiCsvParser.parse(output, Map.of()))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void aRowCutShortAtTheEndIsAnError() {
    String full = Fixtures.read("nvidia-smi/query-8xA100-header.csv");
    String cut = full.substring(0, full.length() - 30);

    assertThatThrownBy(() -> NvidiaSmiCsvParser.parse(cut, Map.of()))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("line 9");
  }
}
