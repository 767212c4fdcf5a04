package io.baton.orchestrator.events;

import io.baton.orchestrator.problems.BadRequestException;
import io.baton.orchestrator.security.Caller;
import io.baton.orchestrator.web.Page;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * All events, for pipelines ({@code GET /api/v1/events?after=}) and dashboards (a
 * Server-Sent-Events stream).
 */
@RestController
@RequestMapping("/api/v1/events")
class EventsController {

  private final EventLog events;
  private final EventStream stream;
  private final FeedPurge purged;

  EventsController(EventLog events, EventStream stream, FeedPurge purged) {
    this.events = events;
    this.stream = stream;
    this.purged = purged;
  }

  /**
   * Events after the event with id {@code after} (from the first when absent), oldest first. {@code
   * nextCursor} is the id to pass as {@code after} next time; it is there even when the page is
   * empty, so a pipeline can keep polling from it.
   */
  @GetMapping
  Page<Event> list(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) Long after,
      @RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit) {
    FeedPosition from = after == null ? FeedPosition.START : position(after, "after");
    List<Event> items =
        events.feed(from, limit, audience(caller)).stream()
            .map(EventLog.Positioned::event)
            .toList();
    String next =
        items.isEmpty()
            ? (after == null ? null : after.toString())
            : Long.toString(items.get(items.size() - 1).id());
    return new Page<>(items, next);
  }

  /**
   * New events as they happen. Resumes after {@code Last-Event-ID} (sent by EventSource on
   * reconnect) or {@code after}; otherwise starts at the newest event. 429 when the replica or the
   * caller already holds as many streams as allowed.
   */
  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter stream(
      @AuthenticationPrincipal Caller caller,
      @RequestParam(required = false) Long after,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request)
      throws IOException {
    FeedPosition from = null;
    if (lastEventId != null && !lastEventId.isBlank()) {
      from = position(parseId(lastEventId), "Last-Event-ID");
    } else if (after != null) {
      from = position(after, "after");
    }
    return stream.subscribe(from, audience(caller), identity(request));
  }

  static EventAudience audience(Caller caller) {
    return new EventAudience(caller.visibleTeams());
  }

  /** Whom a stream counts against: the authenticated caller, else the remote address. */
  static String identity(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    if (principal != null && principal.getName() != null) {
      return "principal:" + principal.getName();
    }
    return "address:" + request.getRemoteAddr();
  }

  private FeedPosition position(long eventId, String parameter) {
    if (eventId == 0) {
      return FeedPosition.START;
    }
    return events
        .positionOf(eventId)
        .or(() -> purged.purgedPosition(eventId))
        .orElseThrow(
            () -> BadRequestException.invalidParameter(parameter, "no event with id " + eventId));
  }

  private static long parseId(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw BadRequestException.invalidParameter(
          "Last-Event-ID", "'" + value + "' is not an event id");
    }
  }
}
