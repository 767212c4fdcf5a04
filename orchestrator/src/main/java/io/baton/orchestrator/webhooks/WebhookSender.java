package io.baton.orchestrator.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends due deliveries: every replica claims a share of them, POSTs each with its signature through
 * the {@link WebhookEgress} and settles it: DELIVERED on a 2xx answer; otherwise (another status,
 * no connection, a timeout) a retry after backoff, or FAILED when the attempts are used up. A URL
 * the target policy refuses is FAILED at once. Redirects are not followed and the answer's body is
 * never read.
 */
@Component
class WebhookSender implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

  private final DeliveryRepository deliveries;
  private final WebhookEgress egress;
  private final WebhookSecrets secrets;
  private final WebhooksProperties properties;
  private final RetryPolicy retryPolicy;
  private final Clock clock;
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private final AtomicInteger inFlight = new AtomicInteger();
  private ScheduledExecutorService loop;
  private ExecutorService senders;

  WebhookSender(
      DeliveryRepository deliveries,
      WebhookEgress egress,
      WebhookSecrets secrets,
      WebhooksProperties properties,
      Clock clock,
      MeterRegistry meters) {
    this.deliveries = deliveries;
    this.egress = egress;
    this.secrets = secrets;
    this.properties = properties;
    this.retryPolicy = properties.retryPolicy();
    this.clock = clock;
    this.delivered = outcomes(meters, "delivered");
    this.retried = outcomes(meters, "retried");
    this.failed = outcomes(meters, "failed");
  }

  private static Counter outcomes(MeterRegistry meters, String outcome) {
    return Counter.builder("baton.webhook.deliveries")
        .description("Webhook delivery attempts by outcome (retried: failed, will be retried)")
        .tag("outcome", outcome)
        .register(meters);
  }

  /**
   * Claims as many due deliveries as there are free sending slots and starts sending them; each is
   * settled when its answer (or failure) comes, so one slow receiver does not hold up others.
   */
  void sendDue() {
    int free = properties.sendConcurrency() - inFlight.get();
    if (free <= 0) {
      return;
    }
    try {
      Instant now = clock.instant();
      List<DeliveryRepository.Claimed> due =
          deliveries.claim(UUID.randomUUID(), now, now.plus(properties.claimLease()), free);
      for (DeliveryRepository.Claimed d : due) {
        inFlight.incrementAndGet();
        senders.execute(
            () -> {
              try {
                settle(d, send(d));
              } finally {
                inFlight.decrementAndGet();
              }
            });
      }
    } catch (RuntimeException e) {
      log.warn("Could not claim due webhook deliveries; retrying: {}", e.toString());
    }
  }

  private WebhookEgress.Attempt send(DeliveryRepository.Claimed d) {
    String secret;
    try {
      secret = secrets.open(d.webhookId(), d.secret());
    } catch (SecretBox.UnavailableSecretException e) {
      log.error("Webhook delivery {} cannot be signed: {}", d.id(), e.getMessage());
      return new WebhookEgress.Attempt(null, AttemptOutcome.SECRET_UNAVAILABLE);
    }
    byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
    long timestamp = clock.instant().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("User-Agent", "Baton-Webhooks/1");
    headers.put("Baton-Delivery", d.id().toString());
    headers.put("Baton-Event", d.eventType());
    headers.put("Baton-Timestamp", Long.toString(timestamp));
    headers.put("Baton-Signature", WebhookSignature.sign(secret, timestamp, body));
    return egress.post(URI.create(d.url()), headers, body);
  }

  private void settle(DeliveryRepository.Claimed d, WebhookEgress.Attempt attempt) {
    try {
      Instant now = clock.instant();
      int attempts = d.attempts() + 1;
      if (attempt.outcome() == AttemptOutcome.DELIVERED) {
        deliveries.delivered(d.id(), attempts, attempt.status(), now);
        delivered.increment();
        return;
      }
      RetryPolicy.Next next =
          attempt.outcome().retried()
              ? retryPolicy.afterFailure(attempts, now, ThreadLocalRandom.current().nextDouble())
              : new RetryPolicy.GiveUp();
      if (next instanceof RetryPolicy.Retry retry) {
        deliveries.failed(
            d.id(), d.claim(), attempts, attempt.status(), attempt.outcome(), now, retry.at());
        retried.increment();
      } else {
        deliveries.failed(
            d.id(), d.claim(), attempts, attempt.status(), attempt.outcome(), now, null);
        failed.increment();
        log.warn(
            "Webhook delivery {} of subscription {} FAILED after {} attempts: {}",
            d.id(),
            d.webhookId(),
            attempts,
            attempt.outcome().slug());
      }
    } catch (RuntimeException e) {
      log.warn(
          "Could not record the outcome of webhook delivery {}; it is sent again later: {}",
          d.id(),
          e.toString());
    }
  }

  @Override
  public void start() {
    loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "baton-webhook-sender");
              thread.setDaemon(true);
              return thread;
            });
    senders =
        Executors.newFixedThreadPool(
            Math.max(properties.sendConcurrency(), 1),
            r -> {
              Thread thread = new Thread(r, "baton-webhook-send");
              thread.setDaemon(true);
              return thread;
            });
    long every = properties.sendInterval().toMillis();
    loop.scheduleWithFixedDelay(this::sendDue, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    // Deliveries in flight end (within the request timeout) and record their outcome before the
    // pool closes; what is not sent is due again on the next start.
    loop.shutdown();
    try {
      long wait = properties.claimLease().toMillis();
      if (!loop.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        loop.shutdownNow();
      }
      senders.shutdown();
      if (!senders.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return loop != null && !loop.isShutdown();
  }
}
