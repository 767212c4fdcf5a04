package io.baton.cli.watch;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.JsonNode;

/**
 * For a pipe or a log: one line per change (state, step, loss, restarts) and one per event, never a
 * control character.
 */
public final class LineView implements JobWatcher.View {

  private final PrintStream out;
  private final boolean progress;
  private String last;

  /** {@code progress}: print the progress lines too, not only the events and the outcome. */
  public LineView(PrintStream out, boolean progress) {
    this.out = out;
    this.progress = progress;
  }

  @Override
  public void job(JsonNode job, Eta eta) {
    String line = JobLines.progress(job);
    if (progress && !line.equals(last)) {
      last = line;
      JsonNode p = job.path("progress");
      String remaining =
          p.path("totalSteps").asLong(0) > 0 && !JobLines.ended(job)
              ? " | ETA "
                  + Eta.format(
                      eta.remaining(p.path("step").asLong(), p.path("totalSteps").asLong()))
              : "";
      out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line + remaining);
      out.flush();
    }
  }

  @Override
  public void event(JsonNode event) {
    out.println(JobLines.event(event));
    out.flush();
  }

  @Override
  public void end(JsonNode job, Duration watched) {
    out.println(JobLines.outcome(job, watched));
    out.flush();
  }
}
