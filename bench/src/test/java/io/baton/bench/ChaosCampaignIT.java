package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The chaos campaign of {@code ./bench/run chaos}, shortened: the same code with a fixed seed and a
 * dozen injections (orchestrator killed and restarted, PostgreSQL restarted and its connections
 * cut, the real agent cut off and healed) against the packaged jars; every invariant must hold.
 */
class ChaosCampaignIT {

  static final long SEED = 13;

  @Test
  void nothingIsLostAndNothingHappensTwice() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    // Kept after the run (orchestrator.log, agent.log, the ranks' logs), for a failure's sake.
    Path work = Path.of("target", "chaos-it-" + System.currentTimeMillis()).toAbsolutePath();
    Files.createDirectories(work);
    assertThat(root.resolve("orchestrator/target/baton-orchestrator.jar"))
        .as("the reactor packages the orchestrator before the bench")
        .exists();
    ChaosCampaign.Settings settings =
        new ChaosCampaign.Settings(
            // No cap on the time: every injection runs even on a slow machine (about 3 minutes on
            // an idle one with two cores); the drain may take 5 minutes.
            SEED, 10, Duration.ofMinutes(60), Duration.ofMinutes(5), 2, 120, 1000, 20);

    ChaosCampaign.Result result =
        new ChaosCampaign(root, work, settings, System.out::println).run();
    String report = ChaosBench.report(result);
    System.out.println(report);
    Files.writeString(work.resolve("report.txt"), report);

    assertThat(result.injections()).filteredOn(i -> !i.skipped()).hasSize(10);
    assertThat(result.injections())
        .extracting(ChaosCampaign.Injection::kind)
        .contains(ChaosCampaign.Kind.ORCHESTRATOR_KILL, ChaosCampaign.Kind.POSTGRES_CUT);
    assertThat(result.accepted()).isPositive();
    assertThat(result.jobStates()).as("jobs finish, not only fail").containsKey("SUCCEEDED");
    assertThat(result.injections())
        .filteredOn(i -> i.kind() == ChaosCampaign.Kind.AGENT_CUT && !i.skipped())
        .isNotEmpty()
        .allSatisfy(
            cut ->
                assertThat(cut.outcome())
                    .as("the cut-off node goes LOST and reports again once healed")
                    .isEqualTo("node LOST, reporting again after the heal"));
    assertThat(result.findings().violations())
        .as(report)
        .allSatisfy((check, found) -> assertThat(found).as(check).isEmpty());
    assertThat(result.serverErrors())
        .as("a database stopped or cut is a 503 to retry, never a 500")
        .isEmpty();
  }
}
