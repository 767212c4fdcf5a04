package io.baton.orchestrator.events;

import io.baton.orchestrator.problems.ProblemException;
import java.util.Map;

/** A new event stream over a cap: 429 with {@code Retry-After}, not a stream that breaks. */
class TooManyStreamsException extends ProblemException {

  static final int RETRY_AFTER_SECONDS = 5;

  TooManyStreamsException(String detail) {
    super(429, "too-many-streams", "Too many event streams", detail);
  }

  @Override
  public Map<String, String> headers() {
    return Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
  }
}
