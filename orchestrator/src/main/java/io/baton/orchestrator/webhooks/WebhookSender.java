package io.baton.orchestrator.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * Sends due deliveries: every replica claims a share of them, POSTs each with its signature and
 * settles it: DELIVERED on a 2xx answer; otherwise (another status, no connection, a timeout) a
 * retry after backoff, or FAILED when the attempts are used up. Redirects are not followed and the
 * answer's body is never read.
 */
@Component
class WebhookSender implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
  private static final int MAX_ERROR_LENGTH = 500;

  private final DeliveryRepository deliveries;
  private final WebhooksProperties properties;
  private final RetryPolicy retryPolicy;
  private final Clock clock;
  private final HttpClient http;
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private final AtomicInteger inFlight = new AtomicInteger();
  private ScheduledExecutorService loop;

  WebhookSender(
      DeliveryRepository deliveries,
      WebhooksProperties properties,
      Clock clock,
      MeterRegistry meters) {
    this.deliveries = deliveries;
    this.properties = properties;
    this.retryPolicy = properties.retryPolicy();
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(properties.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
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
        send(d)
            .thenAccept(attempt -> settle(d, attempt))
            .whenComplete((ignored, error) -> inFlight.decrementAndGet());
      }
    } catch (RuntimeException e) {
      log.warn("Could not claim due webhook deliveries; retrying: {}", e.toString());
    }
  }

  /** How one attempt ended: an HTTP status, or an error when no answer came. */
  record Attempt(Integer status, String error) {
    boolean succeeded() {
      return status != null && status >= 200 && status < 300;
    }
  }

  private CompletableFuture<Attempt> send(DeliveryRepository.Claimed d) {
    try {
      byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
      long timestamp = clock.instant().getEpochSecond();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(d.url()))
              .timeout(properties.requestTimeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "Baton-Webhooks/1")
              .header("Baton-Delivery", d.id().toString())
              .header("Baton-Event", d.eventType())
              .header("Baton-Timestamp", Long.toString(timestamp))
              .header("Baton-Signature", WebhookSignature.sign(d.secret(), timestamp, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      Duration limit = properties.connectTimeout().plus(properties.requestTimeout());
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
          .orTimeout(limit.toMillis() + 1000, TimeUnit.MILLISECONDS)
          .handle(WebhookSender::attempt);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(new Attempt(null, describe(e)));
    }
  }

  /** The status as soon as the headers arrive; the answer's body is never read. */
  private static Attempt attempt(HttpResponse<InputStream> response, Throwable error) {
    if (error != null) {
      return new Attempt(null, describe(error));
    }
    try {
      response.body().close();
    } catch (IOException ignored) {
      // only the status counts
    }
    int status = response.statusCode();
    return new Attempt(status, status >= 200 && status < 300 ? null : "HTTP " + status);
  }

  private void settle(DeliveryRepository.Claimed d, Attempt attempt) {
    try {
      Instant now = clock.instant();
      int attempts = d.attempts() + 1;
      if (attempt.succeeded()) {
        deliveries.delivered(d.id(), attempts, attempt.status(), now);
        delivered.increment();
        return;
      }
      RetryPolicy.Next next =
          retryPolicy.afterFailure(attempts, now, ThreadLocalRandom.current().nextDouble());
      if (next instanceof RetryPolicy.Retry retry) {
        deliveries.failed(
            d.id(), d.claim(), attempts, attempt.status(), attempt.error(), now, retry.at());
        retried.increment();
      } else {
        deliveries.failed(
            d.id(), d.claim(), attempts, attempt.status(), attempt.error(), now, null);
        failed.increment();
        log.warn(
            "Webhook delivery {} of subscription {} FAILED after {} attempts: {}",
            d.id(),
            d.webhookId(),
            attempts,
            attempt.error());
      }
    } catch (RuntimeException e) {
      log.warn(
          "Could not record the outcome of webhook delivery {}; it is sent again later: {}",
          d.id(),
          e.toString());
    }
  }

  /** The failure's type and the first message along its causes, e.g. a refused connection. */
  private static String describe(Throwable error) {
    Throwable top = error;
    while (top instanceof CompletionException && top.getCause() != null) {
      top = top.getCause();
    }
    String message = null;
    for (Throwable t = top; t != null && message == null; t = t.getCause()) {
      message = t.getMessage();
    }
    if (message == null && top instanceof ConnectException) {
      message = "could not connect to the receiver";
    }
    String text = top.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
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
    long every = properties.sendInterval().toMillis();
    loop.scheduleWithFixedDelay(this::sendDue, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    loop.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return loop != null && !loop.isShutdown();
  }
}
