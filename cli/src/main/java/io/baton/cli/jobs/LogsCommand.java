package io.baton.cli.jobs;

import io.baton.cli.Base;
import io.baton.cli.ExitCodes;
import io.baton.cli.api.ApiClient;
import io.baton.cli.watch.JobLines;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code baton logs ID [--rank N] [--follow]}: what a rank printed. {@code --follow} polls the log
 * tail and prints the lines it had not printed, across attempts, until the job ends.
 */
@Command(
    name = "logs",
    description = {
      "Prints the output of one rank of a job (stdout and stderr interleaved).",
      "--follow keeps printing new lines, across restarts, until the job ends."
    })
public final class LogsCommand extends Base {

  static final int WINDOW = 10_000;

  @Parameters(paramLabel = "ID")
  String id;

  @Option(names = "--rank", paramLabel = "N", defaultValue = "0", description = "default: 0")
  int rank;

  @Option(
      names = "--tail",
      paramLabel = "N",
      defaultValue = "200",
      description = "the last N lines (at most 10000; default: ${DEFAULT-VALUE})")
  int tail;

  @Option(names = "--attempt", paramLabel = "N", description = "default: the current attempt")
  Integer attempt;

  @Option(names = "--follow", description = "print new lines until the job ends")
  boolean follow;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = Waiting.class,
      defaultValue = "1s",
      description = "with --follow: how often to poll (default: ${DEFAULT-VALUE})")
  Duration interval;

  @Override
  public Integer call() throws InterruptedException {
    String job = "/api/v1/jobs/" + ApiClient.segment(id);
    if (!follow) {
      io().out()
          .print(
              api()
                  .getText(
                      job
                          + "/logs"
                          + ApiClient.query(
                              ApiClient.params("rank", rank, "tail", tail, "attempt", attempt))));
      io().out().flush();
      return ExitCodes.OK;
    }
    int shownAttempt = -1;
    List<String> shown = List.of();
    while (true) {
      JsonNode current = api().get(job);
      int now = current.path("attempt").asInt(0);
      boolean ended = JobLines.ended(current);
      if (now > 0) {
        if (now != shownAttempt) {
          if (shownAttempt != -1) {
            io().out().println("--- attempt " + now + " ---");
          }
          shownAttempt = now;
          shown = List.of();
        }
        List<String> lines =
            api()
                .getText(
                    job
                        + "/logs"
                        + ApiClient.query(
                            ApiClient.params("rank", rank, "tail", WINDOW, "attempt", now)))
                .lines()
                .toList();
        for (String line : fresh(shown, lines)) {
          io().out().println(line);
        }
        io().out().flush();
        shown = lines;
      }
      if (ended) {
        return ExitCodes.ofJob(current.path("state").asString());
      }
      Thread.sleep(interval.toMillis());
    }
  }

  /**
   * The lines of {@code now} not yet printed, {@code before} being the tail printed last: the part
   * after the longest end of {@code before} that {@code now} starts its overlap with.
   */
  static List<String> fresh(List<String> before, List<String> now) {
    if (before.isEmpty()) {
      return now;
    }
    if (now.size() < WINDOW
        && now.size() >= before.size()
        && now.subList(0, before.size()).equals(before)) {
      return now.subList(before.size(), now.size());
    }
    // The window slid: find where the last printed line sits in the new tail.
    String last = before.get(before.size() - 1);
    for (int i = now.size() - 1; i >= 0; i--) {
      if (now.get(i).equals(last)) {
        return now.subList(i + 1, now.size());
      }
    }
    return now;
  }
}
