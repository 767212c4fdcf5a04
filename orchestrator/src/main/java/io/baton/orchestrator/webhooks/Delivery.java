package io.baton.orchestrator.webhooks;

import java.time.Instant;
import java.util.UUID;

/**
 * One event sent to one subscription, with its attempts so far.
 *
 * @param id the {@code Baton-Delivery} header, the same on every attempt
 * @param webhookId the subscription
 * @param eventId the event
 * @param eventType the event's type
 * @param state PENDING, DELIVERED or FAILED
 * @param attempts attempts made so far
 * @param lastStatus HTTP status of the last attempt; null when it got no answer
 * @param lastError how the last attempt failed, as a slug: {@code http-error}, {@code unreachable},
 *     {@code refused-address}, {@code refused-scheme} or {@code secret-unavailable}; null when it
 *     succeeded or none was made. Deliberately coarse: no error text that could map a network
 * @param lastAttemptAt when the last attempt ended
 * @param nextAttemptAt when a PENDING delivery is (next) due; null once final
 * @param deliveredAt when a 2xx answer came
 * @param createdAt when the event was dispatched to the subscription
 */
record Delivery(
    UUID id,
    UUID webhookId,
    long eventId,
    String eventType,
    DeliveryState state,
    int attempts,
    Integer lastStatus,
    String lastError,
    Instant lastAttemptAt,
    Instant nextAttemptAt,
    Instant deliveredAt,
    Instant createdAt) {}
