package io.baton.cli.watch;

import io.baton.cli.api.ApiClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Follows a job until it ends: polls the job resource (its progress is no event, so it is read from
 * the job) every {@code interval}, and its events when the job's {@code version} moved, and hands
 * what changed to a {@link View}.
 *
 * <p>Polling rather than the SSE stream: the progress bar needs the job's latest sample, which only
 * the job resource carries, and a poll a second is well inside the rate limits.
 */
public final class JobWatcher {

  /** Where the watcher's findings go. */
  public interface View {
    /** The job as just read. */
    void job(JsonNode job, Eta eta);

    /** An event of the job, each once, oldest first. */
    void event(JsonNode event);

    /** The job ended (or the watch timed out: {@code job} is the last read). */
    void end(JsonNode job, Duration watched);
  }

  private final ApiClient api;
  private final Duration interval;
  private final Duration timeout;

  public JobWatcher(ApiClient api, Duration interval, Duration timeout) {
    this.api = api;
    this.interval = interval;
    this.timeout = timeout;
  }

  /** Follows job {@code id} until it ends and returns its last document. */
  public JsonNode follow(String id, View view) {
    Instant start = Instant.now();
    Set<Long> seen = new HashSet<>();
    Eta eta = new Eta();
    long version = -1;
    long checkpoint = -1;
    String path = "/api/v1/jobs/" + ApiClient.segment(id);
    while (true) {
      JsonNode job = api.get(path);
      long newest = job.at("/latestCheckpoint/step").asLong(-1);
      if (job.path("version").asLong() != version || newest != checkpoint || JobLines.ended(job)) {
        version = job.path("version").asLong();
        checkpoint = newest;
        events(path, seen, view);
      }
      JsonNode progress = job.path("progress");
      if (progress.isObject()) {
        eta.observe(progress.path("step").asLong(), time(progress.path("time").asString(null)));
      }
      view.job(job, eta);
      if (JobLines.ended(job)) {
        view.end(job, Duration.between(start, Instant.now()));
        return job;
      }
      if (timeout != null && Duration.between(start, Instant.now()).compareTo(timeout) > 0) {
        view.end(job, Duration.between(start, Instant.now()));
        throw new TimeoutException(
            "job " + id + " is still " + job.path("state").asString() + " after " + timeout);
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted while watching job " + id);
      }
    }
  }

  private void events(String path, Set<Long> seen, View view) {
    String cursor = null;
    do {
      JsonNode page = api.get(path + "/events", ApiClient.params("limit", 500, "cursor", cursor));
      for (JsonNode event : page.path("items")) {
        if (seen.add(event.path("id").asLong())) {
          view.event(event);
        }
      }
      cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
    } while (cursor != null);
  }

  private static Instant time(String text) {
    if (text == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }
}
