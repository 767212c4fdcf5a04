package io.baton.agent.collect.ascend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.baton.agent.Fixtures;
import io.baton.agent.collect.Chip;
import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.Health;
import io.baton.agent.collect.ParseException;
import io.baton.agent.collect.Vendor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpuSmiInfoParserTest {

  @Test
  void eightAscend910B1() throws ParseException {
    ChipSnapshot snapshot = NpuSmiInfoParser.parse(Fixtures.read("npu-smi/info-8x910B1.txt"));

    assertThat(snapshot.vendor()).isEqualTo(Vendor.ASCEND);
    assertThat(snapshot.chips()).extracting(Chip::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(snapshot.chips())
        .allSatisfy(
            chip -> {
              assertThat(chip.chipId()).isZero();
              assertThat(chip.name()).isEqualTo("910B1");
              assertThat(chip.health()).isEqualTo(Health.OK);
              assertThat(chip.rawHealth()).isEqualTo("OK");
              assertThat(chip.utilizationPct()).isZero();
              assertThat(chip.memoryTotalMb()).isEqualTo(65536L);
              assertThat(chip.reasons()).isEmpty();
              assertThat(chip.raw()).containsEntry("Hugepages-Usage(page)", "0 / 0");
            });
    assertThat(snapshot.chips())
        .extracting(Chip::powerW)
        .containsExactly(89.1, 90.0, 91.5, 91.3, 92.7, 93.0, 91.5, 91.1);
    assertThat(snapshot.chips())
        .extracting(Chip::tempC)
        .containsExactly(32, 33, 32, 32, 31, 33, 30, 32);
    assertThat(snapshot.chips())
        .extracting(Chip::memoryUsedMb)
        .containsExactly(3437L, 3378L, 3376L, 3377L, 3377L, 3376L, 3377L, 3380L);
    assertThat(snapshot.chips())
        .extracting(Chip::busId)
        .containsExactly(
            "0000:C1:00.0",
            "0000:01:00.0",
            "0000:C2:00.0",
            "0000:02:00.0",
            "0000:81:00.0",
            "0000:41:00.0",
            "0000:82:00.0",
            "0000:42:00.0");
  }

  @Test
  void idsNeedNotStartAtZero() throws ParseException {
    Chip chip = NpuSmiInfoParser.parse(Fixtures.read("npu-smi/info-1x910B4.txt")).chips().get(0);

    assertThat(chip.index()).isEqualTo(5);
    assertThat(chip.name()).isEqualTo("910B4");
    assertThat(chip.health()).isEqualTo(Health.OK);
    assertThat(chip.powerW()).isEqualTo(89.9);
    assertThat(chip.tempC()).isEqualTo(39);
    assertThat(chip.memoryUsedMb()).isEqualTo(2922L);
    assertThat(chip.memoryTotalMb()).isEqualTo(32768L);
    assertThat(chip.busId()).isEqualTo("0000:41:00.0");
  }

  @Test
  void healthWordsMapToNormalizedHealth() throws ParseException {
    List<Chip> chips =
        NpuSmiInfoParser.parse(Fixtures.read("npu-smi/info-4x910B3-faults.txt")).chips();

    assertThat(chips).extracting(Chip::index).containsExactly(4, 5, 6, 7);
    assertThat(chips)
        .extracting(Chip::health)
        .containsExactly(Health.OK, Health.WARNING, Health.FAULT, Health.FAULT);
    assertThat(chips)
        .extracting(Chip::rawHealth)
        .containsExactly("OK", "Warning", "Alarm", "Critical");
    assertThat(chips.get(1).reasons()).containsExactly("npu-smi health: Warning");
    assertThat(chips.get(1).utilizationPct()).isEqualTo(100);
    assertThat(chips.get(1).memoryUsedMb()).isEqualTo(60123L);
    assertThat(chips.get(3).powerW()).isNull();
    assertThat(chips.get(3).tempC()).isNull();
  }

  @Test
  void olderLayoutWithOtherColumnWidthsAndMissingValues() throws ParseException {
    List<Chip> chips =
        NpuSmiInfoParser.parse(Fixtures.read("npu-smi/info-2x910A-older-layout.txt")).chips();

    assertThat(chips).hasSize(2);
    assertThat(chips.get(0).powerW()).isEqualTo(68.5);
    assertThat(chips.get(0).memoryUsedMb()).isZero();
    assertThat(chips.get(0).memoryTotalMb()).isEqualTo(32768L);
    assertThat(chips.get(0).raw()).containsEntry("Memory-Usage(MB)", "2205 / 15577");
    Chip unknown = chips.get(1);
    assertThat(unknown.health()).isEqualTo(Health.UNKNOWN);
    assertThat(unknown.powerW()).isNull();
    assertThat(unknown.tempC()).isNull();
    assertThat(unknown.utilizationPct()).isNull();
    assertThat(unknown.memoryUsedMb()).isNull();
    assertThat(unknown.busId()).isEqualTo("0000:81:00.0");
  }

  @Test
  void severalChipsOnOneCard() throws ParseException {
    List<Chip> chips =
        NpuSmiInfoParser.parse(Fixtures.read("npu-smi/info-1x310P3-2chips.txt")).chips();

    assertThat(chips).extracting(Chip::index).containsExactly(0, 1);
    assertThat(chips).extracting(Chip::chipId).containsExactly(0, 1);
    assertThat(chips).extracting(c -> c.raw().get("NPU")).containsExactly("1", "1");
    assertThat(chips).extracting(Chip::memoryUsedMb).containsExactly(1782L, 1611L);
    assertThat(chips).extracting(Chip::memoryTotalMb).containsExactly(44280L, 43693L);
    assertThat(chips).extracting(Chip::utilizationPct).containsExactly(3, 0);
    assertThat(chips).extracting(Chip::powerW).containsOnlyNulls();
    assertThat(chips).extracting(Chip::tempC).containsExactly(51, 51);
    assertThat(chips.get(1).raw()).containsEntry("Device", "1");
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "OK,OK",
        "ok,OK",
        "Warning,WARNING",
        "Alarm,FAULT",
        "Critical,FAULT",
        "UNKNOWN,UNKNOWN",
        "NA,UNKNOWN",
        "Broken,UNKNOWN",
        "null,UNKNOWN"
      })
  void healthMapping(String word, Health expected) {
    assertThat(NpuSmiInfoParser.health(word)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "npu-smi/info-truncated-mid-block.txt|NPU 3 has no chip row",
        "npu-smi/info-truncated-mid-line.txt|truncated table row",
        "npu-smi/info-driver-error.txt|no chip table"
      })
  void truncatedOrGarbageOutputIsATypedOneLineError(String fixture, String message) {
    assertThatThrownBy(() -> NpuSmiInfoParser.parse(Fixtures.read(fixture)))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void outputEndingBeforeTheProcessTableIsTruncated() {
    String full = Fixtures.read("npu-smi/info-1x910B4.txt");
    String cut = full.substring(0, full.indexOf("| NPU     Chip"));

    assertThatThrownBy(() -> NpuSmiInfoParser.parse(cut))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("ends before the process table");
  }

  @Test
  void severalChipsOnOneNpuWithoutDeviceIdsCannotBeToldApart() {
    String chipRow =
        "| 0                         | 0000:41:00.0  | 0           0    / 0          2922 / 32768         |\n";
    String output = Fixtures.read("npu-smi/info-1x910B4.txt").replace(chipRow, chipRow + chipRow);

    assertThatThrownBy(() -> NpuSmiInfoParser.parse(output))
        .isInstanceOf(ParseException.class)
        .hasMessage(
            "npu-smi info: chip index 5 appears twice (several chips on one NPU, and no Device column)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  \n\n"})
  void emptyOutput(String output) {
    assertThatThrownBy(() -> NpuSmiInfoParser.parse(output))
        .isInstanceOf(ParseException.class)
        .hasMessage("npu-smi info: empty output");
  }

  @Test
  void aValueThatIsNoNumberNamesColumnAndLine() {
    String output =
        Fixtures.read("npu-smi/info-1x910B4.txt").replace("| 89.9        39", "| hot         39");

    assertThatThrownBy(() -> NpuSmiInfoParser.parse(output))
        .isInstanceOf(ParseException.class)
        .hasMessage("npu-smi info: line 7: Power(W) 'hot' is not a number");
  }

  @ParameterizedTest
  @CsvSource({
    "info-8x910B1.txt,info-8x910B1-borderless.txt",
    "info-4x910B3-faults.txt,info-4x910B3-faults-borderless.txt",
    "info-1x310P3-2chips.txt,info-1x310P3-2chips-borderless-indented.txt"
  })
  void theTableWithoutItsBorderLinesIsTheSameTable(String bordered, String borderless)
      throws ParseException {
    ChipSnapshot expected = NpuSmiInfoParser.parse(Fixtures.read("npu-smi/" + bordered));

    ChipSnapshot actual = NpuSmiInfoParser.parse(Fixtures.read("npu-smi/" + borderless));

    assertThat(actual).isEqualTo(expected);
    assertThat(actual.chips()).isNotEmpty();
  }

  @Test
  void theBorderlessCopyIsTheSharedOriginalWithoutItsBorderLines() throws IOException {
    Path shared = Fixtures.SHARED.resolve("npu-smi/info-8x910B1.txt");
    assumeThat(Files.isRegularFile(shared)).as("shared fixtures beside the repository").isTrue();
    String withoutBorders =
        Files.readAllLines(shared).stream()
            .filter(line -> !line.startsWith("+"))
            .map(line -> line + "\n")
            .reduce("", String::concat);

    assertThat(Fixtures.read("npu-smi/info-8x910B1-borderless.txt")).isEqualTo(withoutBorders);
  }

  @Test
  void aBorderlessNpuRowWithoutItsChipRowIsTruncated() {
    String output =
        Fixtures.read("npu-smi/info-8x910B1-borderless.txt")
            .replace(
                "| 0                         | 0000:01:00.0  | 0           0    / 0          3378 / 65536         |\n",
                "");

    assertThatThrownBy(() -> NpuSmiInfoParser.parse(output))
        .isInstanceOf(ParseException.class)
        .hasMessage("npu-smi info: line 7: NPU 1 has no chip row");
  }

  @Test
  void aBorderlessTableCutBeforeTheProcessTableIsTruncated() {
    String full = Fixtures.read("npu-smi/info-8x910B1-borderless.txt");
    String cut = full.substring(0, full.indexOf("| NPU     Chip"));

    assertThatThrownBy(() -> NpuSmiInfoParser.parse(cut))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("ends before the process table");
  }

  @Test
  void theCopiesMatchTheSharedOriginals() throws IOException {
    Path shared = Fixtures.SHARED.resolve("npu-smi");
    assumeThat(Files.isDirectory(shared)).as("shared fixtures beside the repository").isTrue();
    for (String name : List.of("info-8x910B1.txt", "info-1x910B4.txt")) {
      assertThat(Fixtures.path("npu-smi/" + name)).hasSameBinaryContentAs(shared.resolve(name));
    }
  }
}
