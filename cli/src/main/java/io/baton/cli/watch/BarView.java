package io.baton.cli.watch;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import tools.jackson.databind.JsonNode;

/**
 * For a terminal: one progress bar (me.tongfei:progressbar) redrawn in place with carriage returns
 * — state, step / total, percent, ETA, loss, samples/s, restarts — and the job's events printed
 * above it as they happen (the bar's line is erased, the event printed, the bar drawn again).
 */
public final class BarView implements JobWatcher.View {

  private final PrintStream out;
  private final int columns;
  private ProgressBar bar;
  private volatile Duration remaining;

  /** {@code columns}: the terminal's width, or 0 to let the library ask the terminal (JLine). */
  public BarView(PrintStream out, int columns) {
    this.out = out;
    this.columns = columns;
  }

  @Override
  public void job(JsonNode job, Eta eta) {
    JsonNode p = job.path("progress");
    long total = p.path("totalSteps").asLong(0);
    long step = p.path("step").asLong(0);
    if (bar == null) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(job.at("/spec/name").asString("job"))
              .setInitialMax(total > 0 ? total : -1)
              .setStyle(ProgressBarStyle.ASCII)
              .setUpdateIntervalMillis(250)
              .setConsumer(
                  columns > 0
                      ? new ConsoleProgressBarConsumer(out, columns - 1)
                      : new ConsoleProgressBarConsumer(out))
              .setEtaFunction(state -> Optional.ofNullable(remaining))
              .build();
    }
    synchronized (out) {
      if (total > 0 && bar.getMax() != total) {
        bar.maxHint(total);
      }
      remaining = eta.remaining(step, total);
      bar.stepTo(step);
      bar.setExtraMessage(p.isObject() ? JobLines.compact(job) : JobLines.progress(job));
    }
    bar.refresh();
  }

  @Override
  public void event(JsonNode event) {
    synchronized (out) {
      out.print("\r\033[K");
      out.println(JobLines.event(event));
      out.flush();
    }
    if (bar != null) {
      bar.refresh();
    }
  }

  @Override
  public void end(JsonNode job, Duration watched) {
    if (bar != null) {
      bar.close();
    }
    out.println(JobLines.outcome(job, watched));
    out.flush();
  }
}
