package io.baton.agent.cli;

import io.baton.agent.collect.ChipSnapshot;
import io.baton.agent.collect.CollectException;
import io.baton.agent.progress.ProgressBatch;
import io.baton.agent.progress.ProgressTailer;
import io.baton.agent.report.AgentReport;
import io.baton.agent.report.ReportJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Collects once, or parses captured tool output, and prints the report the agent would send. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Collect once (or parse captured tool output) and print the normalized report as JSON.",
      "Exit 0 ok, 1 the tool failed or printed something unreadable, 2 bad flags."
    })
public final class InspectCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin CollectorOptions collector;

  @Option(
      names = "--input",
      paramLabel = "FILE|-",
      description =
          "Parse this captured output of npu-smi info or nvidia-smi --query-gpu (- for stdin) instead of running the tool.")
  String input;

  @Option(
      names = "--links-input",
      paramLabel = "FILE|-",
      description = {
        "With --input: also read links from this captured output (- for stdin):",
        "npu-smi: hccn_tool -i N -link -g / -net_health -g command lines, each followed by its"
            + " output;",
        "nvidia-smi: the output of nvidia-smi nvlink --status, optionally followed by that of"
            + " nvidia-smi nvlink --errorcounters."
      })
  String linksInput;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "Node name in the report (default: $NODE_NAME or the hostname).")
  String node;

  @Option(
      names = "--progress-dir",
      paramLabel = "DIR",
      description = "Also read the progress files under DIR once.")
  Path progressDir;

  private final InputStream stdin;
  private final Clock clock;

  public InspectCommand(InputStream stdin, Clock clock) {
    this.stdin = stdin;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    collector.validate();
    if (input != null && collector.kind() == CollectorKind.SIM) {
      throw collector.inputDoesNotApply();
    }
    if (linksInput != null && input == null) {
      throw new ParameterException(spec.commandLine(), "--links-input needs --input");
    }
    if ("-".equals(linksInput) && "-".equals(input)) {
      throw new ParameterException(
          spec.commandLine(), "--input and --links-input cannot both read stdin");
    }
    ChipSnapshot chips;
    String reading = input;
    try {
      chips = input == null ? collector.create().collect() : collector.parse(read(input));
      if (linksInput != null) {
        reading = linksInput;
        chips = collector.withCapturedLinks(chips, read(linksInput));
      }
    } catch (CollectException e) {
      err.println("baton-agent inspect: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("baton-agent inspect: cannot read " + reading + ": " + e);
      return 1;
    }
    ProgressBatch progress = ProgressBatch.EMPTY;
    if (progressDir != null) {
      try (ProgressTailer tailer = new ProgressTailer(progressDir, clock)) {
        progress = tailer.poll();
      }
    }
    AgentReport report =
        new AgentReport(
            node == null ? Hostname.nodeName() : node,
            UUID.randomUUID(),
            0,
            clock.instant(),
            chips.vendor(),
            chips.chips(),
            progress.progress(),
            progress.checkpoints(),
            progress.malformedLines() == 0 ? null : progress.malformedLines(),
            null);
    spec.commandLine().getOut().println(ReportJson.pretty(report));
    spec.commandLine().getOut().flush();
    return 0;
  }

  private String read(String source) throws IOException {
    byte[] bytes = "-".equals(source) ? stdin.readAllBytes() : Files.readAllBytes(Path.of(source));
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
