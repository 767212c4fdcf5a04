package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.cli.support.Orchestrator;
import io.baton.cli.support.Specs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton watch} in a pseudo-terminal: the jar runs in a tmux pane of a tmux server of this
 * test's own (a socket of its own, killed afterwards), whose raw output is piped to a file. On a
 * terminal the progress bar is redrawn in place: carriage returns, not new lines.
 */
class WatchTerminalIT {

  static final Orchestrator orchestrator = Orchestrator.shared();

  @TempDir Path dir;
  private final String socket = "baton-cli-it-" + ProcessHandle.current().pid();

  @Test
  void onATerminalTheProgressLineIsRedrawnInPlace() throws Exception {
    String id =
        orchestrator.post("/api/v1/jobs", Specs.demo("cli-tty", 400, 60)).path("id").asString();
    Path raw = dir.resolve("raw.log");
    Path exit = dir.resolve("exit");
    Path jar = Path.of("target", "baton.jar").toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    tmux(
        "new-session",
        "-d",
        "-s",
        "watch",
        "-x",
        "120",
        "-y",
        "40",
        "-e",
        "BATON_URL=" + orchestrator.url(),
        "-e",
        "BATON_TOKEN=" + orchestrator.adminToken(),
        "-e",
        "XDG_CONFIG_HOME=" + dir,
        "sh -c 'sleep 1; exec \"$0\" -jar \"$1\" watch \"$2\" --interval 300ms; ' "
            + java
            + " "
            + jar
            + " "
            + id
            + "; echo $? > "
            + exit
            + "; sleep 30");
    tmux("pipe-pane", "-t", "watch", "-o", "cat >> " + raw);

    await("watch ended")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> Files.exists(exit) && !Files.readString(exit).isBlank());

    assertThat(Files.readString(exit).trim()).isEqualTo("0");
    String bytes = Files.readString(raw, StandardCharsets.UTF_8);
    // The bar: "cli-tty  40% [====>    ] 160/400 (0:00:03 / 0:00:04) RUNNING loss 0.1753, 1564
    // samples/s"
    Matcher redraws =
        Pattern.compile("\r(cli-tty\\s+\\d+% \\[[=> ]*\\] (\\d+)/400)").matcher(bytes);
    List<Integer> steps = new ArrayList<>();
    while (redraws.find()) {
      steps.add(Integer.parseInt(redraws.group(2)));
    }
    assertThat(steps).as("redraws of the bar in %s", bytes).hasSizeGreaterThan(3);
    assertThat(steps.get(steps.size() - 1)).isGreaterThan(steps.get(0));
    assertThat(steps.stream().distinct().count()).isGreaterThan(2);
    assertThat(bytes)
        .containsPattern("RUNNING loss \\d\\.\\d{4}, \\d+ samples/s")
        .contains("samples/s");
    // Events are printed above the bar: its line erased (\r ESC[K), then the event on a line.
    assertThat(bytes).contains("\r\033[K").contains("RUNNING -> SUCCEEDED");

    // The screen: the bar stayed one line, however many times it was drawn.
    String screen = tmux("capture-pane", "-p", "-t", "watch");
    assertThat(screen.lines().filter(l -> l.matches("cli-tty\\s+\\d+%.*")).count()).isEqualTo(1);
    assertThat(screen).contains("SUCCEEDED: every rank exited 0");
  }

  @AfterEach
  void killOurTmuxServer() throws Exception {
    new ProcessBuilder("tmux", "-L", socket, "kill-server")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(10, TimeUnit.SECONDS);
  }

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("tmux %s: %s", args[0], output).isEqualTo(0);
    return output;
  }
}
