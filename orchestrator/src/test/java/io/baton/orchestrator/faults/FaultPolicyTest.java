package io.baton.orchestrator.faults;

import static io.baton.orchestrator.faults.FaultAction.IGNORE;
import static io.baton.orchestrator.faults.FaultAction.ISOLATE_CHIP;
import static io.baton.orchestrator.faults.FaultAction.ISOLATE_NODE;
import static io.baton.orchestrator.faults.FaultAction.RESTART_JOB;
import static io.baton.orchestrator.faults.FaultAction.WARN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.orchestrator.faults.FaultPolicy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultPolicyTest {

  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final FaultPolicy DEFAULTS = FaultPolicy.defaults();

  static Observation on(String node, Integer chip, String signal, Duration ago) {
    return new Observation(NOW.minus(ago), node, chip, Signal.parse(signal));
  }

  static Observation now(String signal) {
    return on("a-1", 2, signal, Duration.ZERO);
  }

  static FaultAction once(FaultPolicy policy, String signal) {
    return policy.evaluate(now(signal), List.of()).action();
  }

  // ---- the default table follows the vendors ----

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    // NVIDIA Xid catalog, resolution bucket (immediate action)
    "xid:79, isolate-node", // RESTART_BM: GPU fallen off the bus
    "xid:48, isolate-chip", // WORKFLOW_XID_48: double-bit ECC
    "xid:95, isolate-chip", // RESET_GPU: uncontained memory error
    "xid:119, isolate-chip", // RESET_GPU: GSP RPC timeout
    "xid:74, isolate-chip", // WORKFLOW_NVLINK_ERR
    "xid:94, restart-job", // RESTART_APP: contained memory error
    "xid:13, restart-job", // RESTART_APP: graphics engine exception
    "xid:63, ignore", // IGNORE: row remapping event
    "xid:92, ignore", // IGNORE: excessive single-bit ECC
    "xid:45, warn", // WORKFLOW_XID_45: secondary
    "xid:1, warn", // CONTACT_SUPPORT
    "xid:9999, warn", // not in the catalog
    // MindCluster processor fault levels
    "ascend:80E18402, isolate-chip", // SeparateNPU
    "ascend:80C98008, isolate-chip", // RestartRequest: isolate the chip, reschedule the job
    "ascend:8C084E00, isolate-chip", // FreeRestartNPU
    "ascend:80E78000, restart-job", // RestartNPU
    "ascend:8C204E00, restart-job", // RestartBusiness
    "ascend:80E18405, warn", // SubHealthFault
    "ascend:80E21007, ignore", // NotHandleFault
    "ascend:0x80e21007, ignore", // as some tools print it
    "ascend:DEADBEEF, warn", // not in the catalog
    // npu-smi health words
    "ascend-health:OK, ignore",
    "ascend-health:Warning, warn",
    "ascend-health:Alarm, restart-job",
    "ascend-health:Critical, isolate-chip",
    "ascend-health:Whatever, warn",
    // Nvidia memory error states
    "ecc:uncorrected, isolate-chip",
    "ecc:retired-pages-pending, isolate-chip",
    "ecc:row-remap-pending, warn",
    "ecc:row-remap-failure, isolate-chip",
    // links and what Baton finds
    "link:DOWN, isolate-chip",
    "link:down, isolate-chip",
    "link:UP, ignore",
    "link:UNKNOWN, warn",
    "hang, restart-job",
    "straggler, warn",
    // node-wide states
    "node:LOST, warn",
    "node:rebooted, warn",
  })
  void oneOccurrenceLeadsToTheVendorsAction(String signal, String action) {
    assertThat(once(DEFAULTS, signal)).isEqualTo(FaultAction.of(action));
  }

  @Test
  void everyXidOfTheCatalogHasABucketAndEveryBucketARow() {
    for (int xid = 1; xid <= 162; xid++) {
      assertThat(XidCatalog.bucket(xid)).as("Xid %d", xid).isPresent();
    }
    for (XidCatalog.Bucket bucket : XidCatalog.Bucket.values()) {
      assertThat(DEFAULTS.rules())
          .extracting(FaultRule::signal)
          .contains("xid-bucket:" + bucket.name());
    }
    for (AscendFaultCodes.Level level : AscendFaultCodes.Level.values()) {
      assertThat(DEFAULTS.rules())
          .extracting(FaultRule::signal)
          .contains("ascend-level:" + level.name());
    }
    assertThat(AscendFaultCodes.all()).hasSize(350);
  }

  @Test
  void aCodeListedUnderTwoLevelsTakesTheMoreSevere() {
    assertThat(AscendFaultCodes.level("A2301001")).contains(AscendFaultCodes.Level.SeparateNPU);
  }

  // ---- the most specific row wins ----

  @Test
  void aRowForTheSignalBeatsItsClassWhichBeatsItsKind() {
    FaultPolicy policy =
        DEFAULTS.with(
            List.of(
                FaultRule.of("xid:79", WARN),
                FaultRule.of("xid:*", ISOLATE_NODE),
                FaultRule.of("*", IGNORE)));

    assertThat(once(policy, "xid:79")).isEqualTo(WARN);
    assertThat(once(policy, "xid:160")).as("still its bucket's").isEqualTo(ISOLATE_NODE);
    assertThat(once(policy, "xid:48")).isEqualTo(ISOLATE_CHIP);
    assertThat(once(policy, "xid:4000")).as("no bucket: the kind's row").isEqualTo(ISOLATE_NODE);
    assertThat(policy.ruleFor(Signal.parse("xid:79")).signal()).isEqualTo("xid:79");
  }

  @Test
  void aPoolsRowsReplaceTheDefaultsForTheirSignalsOnly() {
    FaultPolicy policy =
        DEFAULTS.with(
            List.of(
                FaultRule.of("XID-BUCKET:restart_app", WARN),
                FaultRule.of("ascend-level:restartnpu", ISOLATE_CHIP)));

    assertThat(once(policy, "xid:13")).isEqualTo(WARN);
    assertThat(once(policy, "ascend:80E78000")).isEqualTo(ISOLATE_CHIP);
    assertThat(once(policy, "xid:79")).isEqualTo(ISOLATE_NODE);
    assertThat(policy.rules()).hasSameSizeAs(DEFAULTS.rules());
    assertThat(DEFAULTS.ruleFor(Signal.xid(13)).action()).isEqualTo(RESTART_JOB);
  }

  // ---- flap windows ----

  @Test
  void aLinkFlappingThreeTimesInTenMinutesIsolatesTheNode() {
    Observation third = on("a-1", 2, "link:DOWN", Duration.ZERO);
    List<Observation> history =
        List.of(
            on("a-1", 2, "link:DOWN", Duration.ofMinutes(9)),
            on("a-1", 2, "link:DOWN", Duration.ofMinutes(4)));

    Verdict verdict = DEFAULTS.evaluate(third, history);

    assertThat(verdict.action()).isEqualTo(ISOLATE_NODE);
    assertThat(verdict.escalated()).isTrue();
    assertThat(verdict.occurrences()).isEqualTo(3);
    assertThat(verdict.reason())
        .isEqualTo(
            "link:DOWN on a-1 chip 2 → isolate-node: 3 occurrences within 10m"
                + " (row link:DOWN: isolate-chip, isolate-node after 3 within 10m)");
  }

  @Test
  void threeHangsOnOneNodeInTenMinutesIsolateTheNodeWhenThePoolSaysSo() {
    FaultPolicy policy =
        DEFAULTS.with(
            List.of(FaultRule.of("hang", RESTART_JOB, 3, Duration.ofMinutes(10), ISOLATE_NODE)));
    List<Observation> history =
        List.of(
            on("a-1", null, "hang", Duration.ofMinutes(8)),
            on("a-1", 4, "hang", Duration.ofMinutes(3)));

    Verdict third = policy.evaluate(on("a-1", 6, "hang", Duration.ZERO), history);

    assertThat(third.action()).isEqualTo(ISOLATE_NODE);
    assertThat(third.occurrences()).as("a hang is the node's, whatever chip").isEqualTo(3);
    assertThat(third.observation().chip()).isNull();
    assertThat(third.reason()).startsWith("hang on a-1 → isolate-node: 3 occurrences within 10m");
    assertThat(policy.evaluate(on("a-1", null, "hang", Duration.ZERO), history.subList(0, 1)))
        .extracting(Verdict::action)
        .as("two hangs: the row's own action")
        .isEqualTo(RESTART_JOB);
    assertThat(policy.evaluate(on("a-2", null, "hang", Duration.ZERO), history).action())
        .as("hangs on another node do not count")
        .isEqualTo(RESTART_JOB);
  }

  @Test
  void aNodeLostThreeTimesInAnHourIsIsolatedWhenThePoolSaysSo() {
    FaultPolicy policy =
        DEFAULTS.with(
            List.of(FaultRule.of("node:LOST", WARN, 3, Duration.ofHours(1), ISOLATE_NODE)));
    List<Observation> history =
        List.of(
            on("a-1", null, "node:LOST", Duration.ofMinutes(50)),
            on("a-1", null, "node:LOST", Duration.ofMinutes(20)));

    assertThat(policy.evaluate(on("a-1", null, "node:LOST", Duration.ZERO), history).action())
        .isEqualTo(ISOLATE_NODE);
    assertThat(
            policy
                .evaluate(on("a-1", null, "node:LOST", Duration.ZERO), history.subList(1, 2))
                .action())
        .isEqualTo(WARN);
    assertThat(DEFAULTS.evaluate(on("a-1", null, "node:LOST", Duration.ZERO), history).action())
        .as("by default a node LOST is only an event: its jobs already restart elsewhere")
        .isEqualTo(WARN);
  }

  @Test
  void isolateChipForANodeWideSignalTakesTheNodeOut() {
    FaultPolicy policy = DEFAULTS.with(List.of(FaultRule.of("node:LOST", ISOLATE_CHIP)));

    assertThat(once(policy, "node:LOST")).isEqualTo(ISOLATE_NODE);
    assertThat(once(policy.with(List.of(FaultRule.of("hang", ISOLATE_CHIP))), "hang"))
        .isEqualTo(ISOLATE_NODE);
  }

  @Test
  void stragglersFoundAgainAndAgainOnAChipIsolateItWhenThePoolSaysSo() {
    FaultPolicy policy =
        DEFAULTS.with(
            List.of(FaultRule.of("straggler", WARN, 3, Duration.ofHours(24), ISOLATE_CHIP)));
    List<Observation> history =
        List.of(
            on("a-1", 2, "straggler", Duration.ofHours(20)),
            on("a-1", 2, "straggler", Duration.ofHours(2)),
            on("a-1", 3, "straggler", Duration.ofHours(1)));

    assertThat(policy.evaluate(now("straggler"), history).action()).isEqualTo(ISOLATE_CHIP);
    assertThat(policy.evaluate(now("straggler"), history.subList(1, 3)).action())
        .as("the one on chip 3 is another chip's")
        .isEqualTo(WARN);
  }

  @Test
  void occurrencesOutsideTheWindowOrElsewhereDoNotCount() {
    Observation latest = on("a-1", 2, "link:DOWN", Duration.ZERO);
    List<Observation> history =
        List.of(
            on("a-1", 2, "link:DOWN", Duration.ofMinutes(10)),
            on("a-1", 3, "link:DOWN", Duration.ofMinutes(2)),
            on("a-2", 2, "link:DOWN", Duration.ofMinutes(2)),
            on("a-1", null, "link:DOWN", Duration.ofMinutes(2)),
            on("a-1", 2, "link:UP", Duration.ofMinutes(1)),
            on("a-1", 2, "link:DOWN", Duration.ofMinutes(-1)),
            on("a-1", 2, "link:DOWN", Duration.ofMinutes(3)));

    Verdict verdict = DEFAULTS.evaluate(latest, history);

    assertThat(verdict.action()).isEqualTo(ISOLATE_CHIP);
    assertThat(verdict.occurrences()).isEqualTo(2);
    assertThat(verdict.reason())
        .isEqualTo(
            "link:DOWN on a-1 chip 2 → isolate-chip (row link:DOWN: isolate-chip, isolate-node after 3"
                + " within 10m)");
  }

  @Test
  void aRetriedReportIsNotASecondOccurrence() {
    Observation latest = on("a-1", 2, "link:DOWN", Duration.ZERO);
    Observation earlier = on("a-1", 2, "link:DOWN", Duration.ofMinutes(1));

    assertThat(DEFAULTS.evaluate(latest, List.of(earlier, earlier, latest)).occurrences())
        .isEqualTo(2);
  }

  @Test
  void differentCodesOfOneLevelCountTogether() {
    Observation second = on("a-1", 5, "ascend:80E78000", Duration.ZERO);
    Observation first = on("a-1", 5, "ascend:80F18000", Duration.ofHours(23));

    assertThat(DEFAULTS.evaluate(first, List.of()).action()).isEqualTo(RESTART_JOB);
    assertThat(DEFAULTS.evaluate(second, List.of(first)).action())
        .as("RestartNPU twice a day: the chip is isolated")
        .isEqualTo(ISOLATE_CHIP);
  }

  @Test
  void aCodeWithItsOwnFrequencyCountsOnlyItself() {
    Observation latest = on("a-1", 5, "ascend:80E18005", Duration.ZERO);
    List<Observation> history = new ArrayList<>();
    history.add(on("a-1", 5, "ascend:80E78000", Duration.ofHours(1)));
    history.add(on("a-1", 5, "ascend:80E18005", Duration.ofHours(2)));

    assertThat(DEFAULTS.evaluate(latest, history).action()).isEqualTo(RESTART_JOB);
    history.add(on("a-1", 5, "ascend:80E18005", Duration.ofHours(3)));
    assertThat(DEFAULTS.evaluate(latest, history).action()).isEqualTo(ISOLATE_CHIP);
  }

  @Test
  void escalationNeverLowersTheAction() {
    FaultPolicy policy =
        DEFAULTS.with(List.of(FaultRule.of("hang", ISOLATE_NODE, 2, Duration.ofHours(1), WARN)));
    Observation latest = new Observation(NOW, "a-1", null, Signal.hang());

    assertThat(
            policy
                .evaluate(
                    latest,
                    List.of(new Observation(NOW.minusSeconds(60), "a-1", null, Signal.hang())))
                .action())
        .isEqualTo(ISOLATE_NODE);
  }

  // ---- configuration ----

  @Test
  void rowsAreWrittenCanonically() {
    assertThat(FaultRule.of("XID:079", WARN).signal()).isEqualTo("xid:79");
    assertThat(FaultRule.of(" ascend:0x80e18005 ", WARN).signal()).isEqualTo("ascend:80E18005");
    assertThat(FaultRule.of("Link:down", WARN).signal()).isEqualTo("link:DOWN");
    assertThat(FaultRule.of("ecc:*", WARN).signal()).isEqualTo("ecc:*");
  }

  @Test
  void rowsThatCanMatchNothingAreRefused() {
    for (String signal :
        List.of(
            "gpu:79",
            "xid:abc",
            "xid-bucket:REBOOT",
            "ascend-level:Broken",
            "hang:now",
            "hang:*",
            "")) {
      assertThatThrownBy(() -> FaultRule.of(signal, WARN))
          .as(signal)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new FaultRule("xid:79", WARN, 3, null, ISOLATE_NODE))
        .hasMessageContaining("go together");
    assertThatThrownBy(() -> FaultRule.of("xid:79", WARN, 1, Duration.ofMinutes(1), ISOLATE_NODE))
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> new FaultRule("xid:79", null, null, null, null))
        .hasMessageContaining("needs an action");
  }

  @Test
  void agentsErrorCodesBecomeSignals() {
    assertThat(Signal.ofErrorCode("XID 79")).isEqualTo(Signal.xid(79));
    assertThat(Signal.ofErrorCode("0x80e18005")).isEqualTo(Signal.ascend("80E18005"));
    assertThat(Signal.parse("ascend-health:Alarm").key()).isEqualTo("ascend-health:alarm");
  }

  @Test
  void actionsReadAsConfiguredAndTheWorstWins() {
    assertThat(FaultAction.of("isolate-node")).isEqualTo(ISOLATE_NODE);
    assertThat(FaultAction.of("RESTART_JOB")).isEqualTo(RESTART_JOB);
    assertThat(RESTART_JOB.worst(ISOLATE_CHIP)).isEqualTo(ISOLATE_CHIP);
    assertThat(ISOLATE_CHIP.worst(WARN)).isEqualTo(ISOLATE_CHIP);
    assertThatThrownBy(() -> FaultAction.of("reboot")).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- release after the cooldown ----

  @Test
  void anIsolatedChipGoesBackAfterTheCooldownUnlessHeld() {
    Duration cooldown = Duration.ofMinutes(30);

    assertThat(FaultPolicy.releaseDue(NOW.minus(cooldown), cooldown, false, NOW)).isTrue();
    assertThat(FaultPolicy.releaseDue(NOW.minusSeconds(1799), cooldown, false, NOW)).isFalse();
    assertThat(FaultPolicy.releaseDue(NOW.minus(Duration.ofDays(1)), cooldown, true, NOW))
        .isFalse();
    assertThat(FaultPolicy.releaseDue(null, cooldown, false, NOW)).as("still unhealthy").isFalse();
  }

  // ---- the documentation shows the table the code applies ----

  @Test
  void theDefaultTableIsDocumented() throws IOException {
    List<String> documented = new ArrayList<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(Path.of("..", "docs", "fault-policy.md"))) {
      if (line.startsWith("#")) {
        inTable = line.equals("## The default table");
      } else if (inTable && line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        String signal = cells[1].trim().replace("`", "");
        String action = cells[2].trim();
        String flapping = cells[3].trim();
        documented.add(signal + ": " + action + (flapping.equals("—") ? "" : ", " + flapping));
      }
    }

    assertThat(documented)
        .containsExactlyElementsOf(DEFAULTS.rules().stream().map(FaultRule::describe).toList());
  }
}
