package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.cli.support.Baton;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitCodesTest {

  @TempDir Path home;

  @Test
  void jobsAndPromotionsEndInTheirCodes() {
    assertThat(ExitCodes.ofJob("SUCCEEDED")).isEqualTo(0);
    assertThat(ExitCodes.ofJob("FAILED")).isEqualTo(10);
    assertThat(ExitCodes.ofJob("CANCELLED")).isEqualTo(11);
    assertThat(ExitCodes.ofPromotion("ACTIVE", null)).isEqualTo(0);
    assertThat(ExitCodes.ofPromotion("REJECTED", "VERIFYING")).isEqualTo(20);
    assertThat(ExitCodes.ofPromotion("REJECTED", "EVALUATING")).isEqualTo(22);
    assertThat(ExitCodes.ofPromotion("REJECTED", "PARITY")).isEqualTo(23);
    assertThat(ExitCodes.ofPromotion("REJECTED", "AWAITING_APPROVAL")).isEqualTo(24);
    assertThat(ExitCodes.ofPromotion("ROLLED_BACK", "ROLLING_OUT")).isEqualTo(26);
    assertThat(ExitCodes.ofPromotion("REJECTED", null)).isEqualTo(29);
  }

  @Test
  void everyHelpListsTheExitCodes() {
    for (String command : new String[] {"submit", "watch", "promote", "tokens", "nodes"}) {
      Baton.Result help = new Baton(home).run(command, "--help");
      assertThat(help.code()).isEqualTo(0);
      assertThat(help.out())
          .contains("Exit codes:")
          .contains("20   the promotion was REJECTED at VERIFYING");
    }
  }

  @Test
  void withoutALoginOrTheEnvironmentACommandSaysWhatToDo() {
    Baton.Result result = new Baton(home).run("jobs");
    assertThat(result.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
    assertThat(result.err()).contains("baton login --url URL").contains("BATON_URL");
  }

  @Test
  void completionIsABashScriptThatZshRunsToo() {
    Baton.Result script = new Baton(home).run("completion", "bash");
    assertThat(script.code()).isEqualTo(0);
    assertThat(script.out())
        .contains("complete -F")
        .contains("bashcompinit")
        .contains("submit")
        .contains("node-tokens");
  }
}
