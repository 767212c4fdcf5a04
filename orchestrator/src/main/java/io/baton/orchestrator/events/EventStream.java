package io.baton.orchestrator.events;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>The poller hands each subscriber's events to its {@link Outbox}; senders write them. A
 * subscriber whose outbox overflows is disconnected (it resumes from where it got to), and the
 * number of subscribers is capped in total and per caller ({@link StreamCaps}).
 */
@Component
class EventStream implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final int BATCH = 500;

  private final EventLog events;
  private final EventsProperties properties;
  private final StreamCaps caps;
  private final Clock clock;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

  /** Made at each start: a stopped context (a paused test context, say) may be started again. */
  private volatile ExecutorService senders;

  private ScheduledExecutorService poller;
  private Instant lastHeartbeat;

  EventStream(EventLog events, EventsProperties properties, Clock clock) {
    this.events = events;
    this.properties = properties;
    this.caps = new StreamCaps(properties.maxSubscribers(), properties.maxSubscribersPerIdentity());
    this.clock = clock;
  }

  /**
   * A new stream for {@code identity} starting after {@code after}, or at the newest event when
   * null, carrying only what {@code audience} may see.
   *
   * @throws TooManyStreamsException when the replica or the caller holds as many as allowed
   */
  SseEmitter subscribe(FeedPosition after, EventAudience audience, String identity)
      throws IOException {
    SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
    FeedPosition start = after == null ? events.head() : after;
    Subscriber subscriber = new Subscriber(emitter, start, identity, audience);
    synchronized (subscribers) {
      long mine = subscribers.stream().filter(s -> s.identity.equals(identity)).count();
      caps.refusal(subscribers.size(), (int) mine)
          .ifPresent(
              reason -> {
                throw new TooManyStreamsException(reason);
              });
      subscribers.add(subscriber);
    }
    emitter.onCompletion(() -> drop(subscriber));
    emitter.onTimeout(() -> drop(subscriber));
    emitter.onError(e -> drop(subscriber));
    subscriber.outbox.offer(SseEmitter.event().comment("baton events").reconnectTime(2000));
    return emitter;
  }

  int subscriberCount() {
    return subscribers.size();
  }

  /** Streams {@code identity} holds open. */
  int subscriberCount(String identity) {
    return (int) subscribers.stream().filter(s -> s.identity.equals(identity)).count();
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
    for (EventLog.Positioned item : batch) {
      if (item.position().compareTo(subscriber.position) > 0
          && !subscriber.audience.sees(item.event())) {
        subscriber.position = item.position();
      } else if (item.position().compareTo(subscriber.position) > 0) {
        SseEmitter.SseEventBuilder event =
            SseEmitter.event()
                .id(Long.toString(item.event().id()))
                .name(item.event().type())
                .data(item.event(), MediaType.APPLICATION_JSON);
        if (!subscriber.outbox.offer(event)) {
          overflow(subscriber);
          return;
        }
        subscriber.position = item.position();
      }
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
      if (!subscriber.outbox.offer(SseEmitter.event().comment("keepalive"))) {
        overflow(subscriber);
      }
    }
  }

  /** A client that stopped reading: it goes, and reconnects after what it last received. */
  private void overflow(Subscriber subscriber) {
    subscriber.outbox.close();
    if (!subscribers.remove(subscriber)) {
      return; // gone already
    }
    log.info(
        "Event stream of {} fell {} events behind; disconnecting it",
        subscriber.identity,
        properties.subscriberBuffer());
    // complete() waits for a write in progress, so not on the poller.
    senders.execute(subscriber.emitter::complete);
  }

  private void drop(Subscriber subscriber) {
    subscribers.remove(subscriber);
    subscriber.outbox.close();
  }

  @Override
  public void start() {
    senders = Executors.newCachedThreadPool(daemon("baton-sse-sender"));
    poller = Executors.newSingleThreadScheduledExecutor(daemon("baton-event-stream"));
    long every = properties.pollInterval().toMillis();
    poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    // A poll in progress finishes its query: the pool closes after this returns.
    poller.shutdown();
    try {
      if (!poller.awaitTermination(10, TimeUnit.SECONDS)) {
        poller.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    subscribers.forEach(
        s -> {
          s.outbox.close();
          s.emitter.complete();
        });
    subscribers.clear();
    senders.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return poller != null && !poller.isShutdown();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private final class Subscriber {
    final SseEmitter emitter;
    final String identity;
    final EventAudience audience;
    final Outbox<SseEmitter.SseEventBuilder> outbox;
    volatile FeedPosition position;

    Subscriber(SseEmitter emitter, FeedPosition position, String identity, EventAudience audience) {
      this.emitter = emitter;
      this.position = position;
      this.identity = identity;
      this.audience = audience;
      this.outbox =
          new Outbox<>(
              properties.subscriberBuffer(),
              senders,
              emitter::send,
              e -> {
                drop(this);
                try {
                  emitter.completeWithError(e);
                } catch (IllegalStateException alreadyOver) {
                  // The container ended the stream first (the client went away): nothing to end.
                }
              });
    }
  }
}
