package io.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class AgentMainTest {

  @Test
  void noSubcommandIsAUsageErrorWithExitCode2() {
    StringWriter err = new StringWriter();

    int code =
        AgentMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), new String[0]);

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("Missing required subcommand")
        .contains("Usage: baton-agent");
  }

  @Test
  void unknownFlagIsAUsageErrorWithExitCode2() {
    StringWriter err = new StringWriter();

    int code =
        AgentMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "--bogus");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'");
  }

  @Test
  void helpListsTheSubcommands() {
    CliRun run = CliRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("inspect", "run", "simulate");
  }

  @Test
  void eachSubcommandHasHelp() {
    for (String command : new String[] {"inspect", "run", "simulate"}) {
      CliRun run = CliRun.of(command, "--help");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("Usage: baton-agent " + command);
    }
  }
}
