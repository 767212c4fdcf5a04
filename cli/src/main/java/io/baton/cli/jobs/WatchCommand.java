package io.baton.cli.jobs;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.output.Format;
import io.baton.cli.watch.BarView;
import io.baton.cli.watch.JobWatcher;
import io.baton.cli.watch.LineView;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code baton watch ID}: the job until it ends — a redrawn progress bar on a terminal, one line
 * per change when piped — and exits with its outcome.
 */
@Command(
    name = "watch",
    description = {
      "Watches a job until it ends: state, a progress bar of step/total with ETA, samples/s and"
          + " the loss, and its events (restarts with cause and steps lost) as they happen.",
      "On a terminal the bar is redrawn in place; piped (or with -o json/yaml) it prints one line"
          + " per change.",
      "Exits 0 when the job SUCCEEDED, 10 FAILED, 11 CANCELLED."
    })
public final class WatchCommand extends Base {

  @Parameters(paramLabel = "ID")
  String id;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Waiting.class,
      description = "give up after this long (90s, 10m, 2h), exit 7")
  Duration timeout;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = Waiting.class,
      defaultValue = "1s",
      description = "how often to poll (default: ${DEFAULT-VALUE})")
  Duration interval;

  @Override
  public Integer call() {
    JobWatcher.View view =
        io().terminal() && format() == Format.table
            ? new BarView(io().out(), io().columns())
            : new LineView(io().out(), true);
    JsonNode job = new JobWatcher(api(), interval, timeout).follow(id, view);
    return ExitCodes.ofJob(job.path("state").asString());
  }
}
