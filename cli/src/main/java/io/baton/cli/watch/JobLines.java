package io.baton.cli.watch;

import java.time.Duration;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The words {@code baton watch} prints about a job: its progress line and its events. Pure
 * functions of the API's documents.
 */
public final class JobLines {

  private JobLines() {}

  public static boolean ended(JsonNode job) {
    String state = job.path("state").asString("");
    return state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED");
  }

  /**
   * {@code RUNNING step 120/600 20% | loss 0.4123 | 812.5 samples/s | restarts 1, 37 steps lost}:
   * what changed shows in the line; the ETA is added by the view.
   */
  public static String progress(JsonNode job) {
    StringBuilder line = new StringBuilder(job.path("state").asString("?"));
    JsonNode p = job.path("progress");
    if (p.isObject()) {
      long step = p.path("step").asLong();
      long total = p.path("totalSteps").asLong(0);
      line.append(" step ").append(step);
      if (total > 0) {
        line.append('/').append(total).append(' ').append(step * 100 / total).append('%');
      }
      line.append(details(job));
    } else {
      String waiting = job.path("pendingReason").asString("");
      line.append(waiting.isEmpty() ? "" : ": " + waiting);
      line.append(restarts(job));
    }
    return line.toString();
  }

  /** {@code | loss 0.4123 | 812.5 samples/s | restarts …}: what the bar shows beside itself. */
  public static String details(JsonNode job) {
    JsonNode p = job.path("progress");
    StringBuilder line = new StringBuilder();
    if (p.hasNonNull("loss")) {
      line.append(" | loss ").append(String.format(Locale.ROOT, "%.4f", p.get("loss").asDouble()));
    }
    if (p.hasNonNull("samplesPerSec")) {
      line.append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", p.get("samplesPerSec").asDouble()))
          .append(" samples/s");
    }
    line.append(restarts(job));
    return line.toString();
  }

  /**
   * {@code RUNNING loss 0.1753, 1564 samples/s, restarts 1 (25 steps lost)}: the short form beside
   * a progress bar, which has the step, percent and ETA itself.
   */
  public static String compact(JsonNode job) {
    JsonNode p = job.path("progress");
    StringBuilder line = new StringBuilder(job.path("state").asString("?"));
    String sep = " ";
    if (p.hasNonNull("loss")) {
      line.append(sep)
          .append("loss ")
          .append(String.format(Locale.ROOT, "%.4f", p.get("loss").asDouble()));
      sep = ", ";
    }
    if (p.hasNonNull("samplesPerSec")) {
      line.append(sep).append(Math.round(p.get("samplesPerSec").asDouble())).append(" samples/s");
      sep = ", ";
    }
    long restarts = job.path("restarts").asLong(0) + job.path("infraRestarts").asLong(0);
    if (restarts > 0) {
      line.append(sep)
          .append("restarts ")
          .append(restarts)
          .append(" (")
          .append(job.path("stepsLost").asLong(0))
          .append(" steps lost)");
    }
    return line.toString();
  }

  private static String restarts(JsonNode job) {
    long restarts = job.path("restarts").asLong(0) + job.path("infraRestarts").asLong(0);
    if (restarts == 0) {
      return "";
    }
    return " | restarts "
        + restarts
        + (job.path("stepsLost").asLong(0) > 0
            ? ", " + job.path("stepsLost").asLong() + " steps lost"
            : "");
  }

  /** An event of the job as one line; null for events a watcher does not show. */
  public static String event(JsonNode event) {
    String type = event.path("type").asString("");
    String reason = event.path("reason").asString("");
    String time = event.path("time").asString("");
    String clock = time.length() >= 19 ? time.substring(11, 19) : time;
    return switch (type) {
      case "job.state" ->
          clock
              + " "
              + event.path("from").asString("-")
              + " -> "
              + event.path("to").asString("?")
              + (reason.isEmpty() ? "" : ": " + reason);
      case "job.restart" -> clock + " RESTART " + reason;
      case "job.straggler" -> clock + " STRAGGLER " + reason;
      case "promotion.state" ->
          clock
              + " promotion "
              + event.path("from").asString("-")
              + " -> "
              + event.path("to").asString("?")
              + (reason.isEmpty() ? "" : ": " + reason);
      default -> clock + " " + type + (reason.isEmpty() ? "" : ": " + reason);
    };
  }

  /** The last line: outcome, attempts and restarts. */
  public static String outcome(JsonNode job, Duration watched) {
    return job.path("state").asString()
        + (job.path("reason").asString("").isEmpty() ? "" : ": " + job.path("reason").asString())
        + " (job "
        + job.path("id").asString()
        + ", restarts "
        + job.path("restarts").asLong(0)
        + " application / "
        + job.path("infraRestarts").asLong(0)
        + " infrastructure, "
        + job.path("stepsLost").asLong(0)
        + " steps lost; watched "
        + Eta.format(watched)
        + ")";
  }
}
