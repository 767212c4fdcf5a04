package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos campaign of {@code ./bench/run chaos}, shortened: the same code with a fixed seed and a
 * dozen injections (orchestrator killed and restarted, PostgreSQL restarted and its connections
 * cut, the real agent cut off and healed) against the packaged jars; every invariant must hold.
 */
class ChaosCampaignIT {

  static final long SEED = 13;

  @TempDir Path work;

  @Test
  void nothingIsLostAndNothingHappensTwice() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("orchestrator/target/baton-orchestrator.jar"))
        .as("the reactor packages the orchestrator before the bench")
        .exists();
    ChaosCampaign.Settings settings =
        new ChaosCampaign.Settings(
            SEED, 12, Duration.ofMinutes(3), Duration.ofMinutes(3), 2, 120, 1000, 20);

    ChaosCampaign.Result result =
        new ChaosCampaign(root, work, settings, System.out::println).run();
    String report = ChaosBench.report(result);
    System.out.println(report);
    Files.writeString(work.resolve("report.txt"), report);

    assertThat(result.injections()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(result.injections())
        .extracting(ChaosCampaign.Injection::kind)
        .contains(ChaosCampaign.Kind.ORCHESTRATOR_KILL, ChaosCampaign.Kind.POSTGRES_CUT);
    assertThat(result.accepted()).isPositive();
    assertThat(result.findings().violations())
        .as(report)
        .allSatisfy((check, found) -> assertThat(found).as(check).isEmpty());
  }
}
