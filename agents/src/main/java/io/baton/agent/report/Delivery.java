package io.baton.agent.report;

import java.time.Duration;

/** How one attempt to deliver a report ended. */
public sealed interface Delivery {

  /** The orchestrator took the report (2xx). */
  record Accepted(int status) implements Delivery {}

  /**
   * Worth trying again later: no connection, a timeout, 408, 429 or 5xx.
   *
   * @param retryAfter how long the orchestrator asked to wait ({@code Retry-After}), or null
   */
  record Retry(String reason, Duration retryAfter) implements Delivery {
    public Retry(String reason) {
      this(reason, null);
    }
  }

  /** The orchestrator refused this report for good (4xx); sending it again cannot help. */
  record Rejected(int status, String reason) implements Delivery {}

  /** Classifies an HTTP status. */
  static Delivery ofStatus(int status, String body, Duration retryAfter) {
    if (status >= 200 && status < 300) {
      return new Accepted(status);
    }
    String reason = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + excerpt(body));
    if (status == 408 || status == 429 || status >= 500 || status < 200) {
      return new Retry(reason, retryAfter);
    }
    return new Rejected(status, reason);
  }

  private static String excerpt(String body) {
    String flat = body.strip().replaceAll("\\s+", " ");
    return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
  }
}
