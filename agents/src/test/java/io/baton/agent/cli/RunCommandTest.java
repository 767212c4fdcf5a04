package io.baton.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.baton.agent.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad flags of {@code run} end with usage and exit 2 before the agent starts. */
class RunCommandTest {

  @TempDir Path dir;
  private Path token;

  @BeforeEach
  void tokenFile() throws IOException {
    token = Files.writeString(dir.resolve("token"), "secret\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "--node n --token-file TOKEN --collector sim|Missing required option: '--orchestrator=URL'",
        "--orchestrator http://o:8080 --token-file TOKEN --collector sim|Missing required option: '--node=NAME'",
        "--orchestrator http://o:8080 --node n --collector sim|Missing required option: '--token-file=F'",
        "--orchestrator http://o:8080 --node n --token-file TOKEN|Missing required option: '--collector=KIND'",
        "--orchestrator http://o:8080 --node n --token-file TOKEN --collector sim --interval 5x|Invalid value for option '--interval': '5x' is not a duration: use a number and a unit ms, s, m or h",
        "--orchestrator http://o:8080 --node n --token-file TOKEN --collector sim --interval 0s|--interval must be positive",
        "--orchestrator ftp://o --node n --token-file TOKEN --collector sim|--orchestrator must be an http(s) URL",
        "--orchestrator http://o:8080 --node n --token-file /nonexistent/token --collector sim|--token-file /nonexistent/token is not a readable file",
        "--orchestrator http://o:8080 --node n --token-file TOKEN --collector sim --sim-health 3|sim health spec '3': expected CHIP=HEALTH",
        "--orchestrator http://o:8080 --node n --token-file TOKEN --collector gpu|'gpu' is not a collector",
        "--orchestrator http://o:8080 --node n --token-file TOKEN --collector sim --buffer-progress many|Invalid value for option '--buffer-progress'",
        "--orchestrator http://o:8080 --node n --token-file TOKEN --collector sim --bogus|Unknown option: '--bogus'"
      })
  void badFlagsAreUsageErrors(String flags, String message) {
    List<String> args = new ArrayList<>(List.of("run"));
    Arrays.stream(flags.split(" "))
        .map(f -> f.equals("TOKEN") ? token.toString() : f)
        .forEach(args::add);

    CliRun run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> CliRun.of(args.toArray(String[]::new)));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(message).contains("Usage: baton-agent run");
  }
}
