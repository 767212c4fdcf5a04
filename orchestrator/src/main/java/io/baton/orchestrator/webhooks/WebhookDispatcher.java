package io.baton.orchestrator.webhooks;

import io.baton.orchestrator.events.Event;
import io.baton.orchestrator.events.EventLog;
import io.baton.orchestrator.events.FeedPosition;
import io.baton.orchestrator.persistence.ClusteredSchedules;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns new events into deliveries: reads the event feed after a durable cursor and, in one
 * transaction per batch, writes a delivery for every (subscription, matching event) and moves the
 * cursor past the batch. A crash either keeps both or neither, so no event is lost or dispatched
 * twice. A clustered Quartz job, so one replica dispatches at a time.
 *
 * <p>A subscription owned by a team hears only that team's events; one without a team hears all.
 */
@Component
class WebhookDispatcher {

  /** Batches per run at most, so one run cannot hold a Quartz thread for long. */
  private static final int MAX_BATCHES = 20;

  private final WebhookRepository webhooks;
  private final DeliveryRepository deliveries;
  private final EventLog events;
  private final JsonMapper json;
  private final WebhooksProperties properties;
  private final Clock clock;
  private final TransactionTemplate transactions;

  WebhookDispatcher(
      WebhookRepository webhooks,
      DeliveryRepository deliveries,
      EventLog events,
      JsonMapper json,
      WebhooksProperties properties,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.webhooks = webhooks;
    this.deliveries = deliveries;
    this.events = events;
    this.json = json;
    this.properties = properties;
    this.clock = clock;
    this.transactions = new TransactionTemplate(transactions);
  }

  /** The JSON body of a delivery. */
  record Payload(UUID id, UUID webhookId, Event event) {}

  /** Dispatches what the feed holds now; returns how many deliveries it created. */
  public int dispatch() {
    int created = 0;
    for (int i = 0; i < MAX_BATCHES; i++) {
      Batch batch = transactions.execute(status -> dispatchBatch());
      created += batch.deliveries();
      if (!batch.full()) {
        break;
      }
    }
    return created;
  }

  private record Batch(int deliveries, boolean full) {}

  private Batch dispatchBatch() {
    FeedPosition cursor = webhooks.lockCursor().orElse(FeedPosition.START);
    List<WebhookRepository.Subscription> subscriptions = webhooks.subscriptions();
    if (subscriptions.isEmpty()) {
      FeedPosition head = events.head();
      if (head.compareTo(cursor) > 0) {
        webhooks.moveCursor(head);
      }
      return new Batch(0, false);
    }
    FeedPosition from = max(cursor, earliestStart(subscriptions));
    List<EventLog.Positioned> batch = events.feed(from, properties.dispatchBatch());
    Instant now = clock.instant();
    Set<WebhookRepository.Audience> audience =
        new HashSet<>(webhooks.audience(batch.stream().map(i -> i.event().id()).toList()));
    List<DeliveryRepository.New> created = new ArrayList<>();
    for (EventLog.Positioned item : batch) {
      for (WebhookRepository.Subscription s : subscriptions) {
        if (!s.created().finished(item.position().txid())
            && EventPatterns.matches(s.events(), item.event().type())
            && audience.contains(new WebhookRepository.Audience(item.event().id(), s.id()))) {
          created.add(delivery(s.id(), item.event()));
        }
      }
    }
    deliveries.insertAll(created, now);
    FeedPosition to = batch.isEmpty() ? from : batch.get(batch.size() - 1).position();
    if (!to.equals(cursor)) {
      webhooks.moveCursor(to);
    }
    return new Batch(created.size(), batch.size() == properties.dispatchBatch());
  }

  private DeliveryRepository.New delivery(UUID webhookId, Event event) {
    UUID id = UUID.randomUUID();
    String body = json.writeValueAsString(new Payload(id, webhookId, event));
    return new DeliveryRepository.New(id, webhookId, event.id(), event.type(), body);
  }

  private static FeedPosition earliestStart(List<WebhookRepository.Subscription> subscriptions) {
    return subscriptions.stream()
        .map(s -> s.created().floor())
        .min(FeedPosition::compareTo)
        .orElseThrow();
  }

  private static FeedPosition max(FeedPosition a, FeedPosition b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** The Quartz side of the dispatcher. */
  @DisallowConcurrentExecution
  public static class DispatchJob implements Job {
    private final WebhookDispatcher dispatcher;

    public DispatchJob(WebhookDispatcher dispatcher) {
      this.dispatcher = dispatcher;
    }

    @Override
    public void execute(JobExecutionContext context) {
      dispatcher.dispatch();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Schedule {

    @Bean
    JobDetail webhookDispatchJob() {
      return ClusteredSchedules.job(DispatchJob.class, "webhook-dispatch");
    }

    @Bean
    Trigger webhookDispatchTrigger(JobDetail webhookDispatchJob, WebhooksProperties properties) {
      return ClusteredSchedules.every(webhookDispatchJob, properties.dispatchInterval());
    }
  }
}
