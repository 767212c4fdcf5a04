package io.baton.orchestrator.events;

import io.baton.orchestrator.Decision;
import java.util.Optional;

/**
 * Whether one more live stream may open: at most {@code total} on a replica, at most {@code
 * perIdentity} for one caller, so a dashboard gone wild cannot take every place.
 */
@Decision
record StreamCaps(int total, int perIdentity) {

  /** Why a new stream is refused, or empty when it may open. */
  Optional<String> refusal(int open, int openForIdentity) {
    if (openForIdentity >= perIdentity) {
      return Optional.of(
          "You hold "
              + openForIdentity
              + " open event streams, the most one caller may hold; close one or reuse it.");
    }
    if (open >= total) {
      return Optional.of(
          "This server serves " + open + " event streams, the most it takes; retry later.");
    }
    return Optional.empty();
  }
}
