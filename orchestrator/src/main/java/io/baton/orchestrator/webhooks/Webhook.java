package io.baton.orchestrator.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook subscription as the API shows it; the secret is never shown after creation.
 *
 * @param id assigned by the server
 * @param url where deliveries are POSTed
 * @param events patterns of the event types it receives ({@code job.state}, {@code job.*}, {@code
 *     *})
 * @param description free text, may be null
 * @param team the owning team, which hears only its own events; null for a subscription created by
 *     an administrator, which hears every event
 * @param createdAt when it was created; it receives events from then on
 */
record Webhook(
    UUID id, String url, List<String> events, String description, String team, Instant createdAt) {}
