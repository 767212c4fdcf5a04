package io.baton.orchestrator.events;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Fans new events out to Server-Sent-Event subscribers. One poller per replica reads the shared
 * event table, so a subscriber sees events written by every replica, in feed order, and resumes
 * after {@code Last-Event-ID} without gaps.
 */
@Component
class EventStream implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final int BATCH = 500;

  private final EventLog events;
  private final EventsProperties properties;
  private final Clock clock;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService poller;
  private Instant lastHeartbeat;

  EventStream(EventLog events, EventsProperties properties, Clock clock) {
    this.events = events;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * A new stream starting after {@code after}, or at the newest event when null, carrying only what
   * {@code audience} may see.
   */
  SseEmitter subscribe(FeedPosition after, EventAudience audience) throws IOException {
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    Subscriber subscriber =
        new Subscriber(emitter, after == null ? events.head() : after, audience);
    emitter.onCompletion(() -> subscribers.remove(subscriber));
    emitter.onTimeout(() -> subscribers.remove(subscriber));
    emitter.onError(e -> subscribers.remove(subscriber));
    emitter.send(SseEmitter.event().comment("baton events").reconnectTime(2000));
    subscribers.add(subscriber);
    return emitter;
  }

  int subscriberCount() {
    return subscribers.size();
  }

  void poll() {
    if (subscribers.isEmpty()) {
      return;
    }
    try {
      FeedPosition from =
          subscribers.stream().map(s -> s.position).min(FeedPosition::compareTo).orElseThrow();
      List<EventLog.Positioned> batch = events.feed(from, BATCH);
      for (Subscriber subscriber : subscribers) {
        deliver(subscriber, batch);
      }
      heartbeatIfIdle(batch.isEmpty());
    } catch (RuntimeException e) {
      log.warn("Event stream poll failed; retrying: {}", e.toString());
    }
  }

  private void deliver(Subscriber subscriber, List<EventLog.Positioned> batch) {
    try {
      for (EventLog.Positioned item : batch) {
        if (item.position().compareTo(subscriber.position) <= 0) {
          continue;
        }
        if (subscriber.audience.sees(item.event())) {
          subscriber.emitter.send(
              SseEmitter.event()
                  .id(Long.toString(item.event().id()))
                  .name(item.event().type())
                  .data(item.event(), MediaType.APPLICATION_JSON));
        }
        subscriber.position = item.position();
      }
    } catch (IOException | IllegalStateException e) {
      subscribers.remove(subscriber);
      subscriber.emitter.completeWithError(e);
    }
  }

  private void heartbeatIfIdle(boolean idle) {
    Instant now = clock.instant();
    if (!idle
        || lastHeartbeat != null && now.isBefore(lastHeartbeat.plus(properties.heartbeat()))) {
      return;
    }
    lastHeartbeat = now;
    for (Subscriber subscriber : subscribers) {
      try {
        subscriber.emitter.send(SseEmitter.event().comment("keepalive"));
      } catch (IOException | IllegalStateException e) {
        subscribers.remove(subscriber);
      }
    }
  }

  @Override
  public void start() {
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "baton-event-stream");
              thread.setDaemon(true);
              return thread;
            });
    long every = properties.pollInterval().toMillis();
    poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    poller.shutdownNow();
    subscribers.forEach(s -> s.emitter.complete());
    subscribers.clear();
  }

  @Override
  public boolean isRunning() {
    return poller != null && !poller.isShutdown();
  }

  private static final class Subscriber {
    final SseEmitter emitter;
    final EventAudience audience;
    volatile FeedPosition position;

    Subscriber(SseEmitter emitter, FeedPosition position, EventAudience audience) {
      this.emitter = emitter;
      this.position = position;
      this.audience = audience;
    }
  }
}
